/** Where the viewers are right now: viewers per CDN and per region from the latest QoE point. */
import type { QoeFigures, QoePoint } from '../api.ts';
import { useConsole } from './context.ts';
import { pct, viewers } from './format.ts';
import { colour, type Dim } from './series.ts';

function SplitTable(props: {
  dim: Dim;
  title: string;
  keys: string[];
  slice: Record<string, QoeFigures>;
  total: number;
}) {
  const prefix = props.dim === 'cdn' ? 'cdn' : 'region';
  return (
    <table className="split">
      <thead>
        <tr>
          <th>{props.title}</th>
          <th className="num">viewers</th>
          <th className="bar-col">share</th>
          <th className="num">
            <abbr title="share of viewers rebuffering now">rebuf.</abbr>
          </th>
        </tr>
      </thead>
      <tbody>
        {props.keys.map((k, i) => {
          const f = props.slice[k];
          const n = f?.current_viewers ?? 0;
          const share = props.total > 0 ? n / props.total : 0;
          return (
            <tr key={k} data-testid={`${prefix}-row-${k}`}>
              <th scope="row" style={{ color: colour(props.dim, i) }}>
                {k}
              </th>
              <td className="num" data-testid={`${prefix}-viewers-${k}`} data-viewers={Math.round(n)}>
                {viewers(n)}
              </td>
              <td className="bar-col">
                <div className="bar-wrap">
                  <div className="bar" title={pct(share)}>
                    <div style={{ width: `${share * 100}%`, background: colour(props.dim, i) }} />
                  </div>
                  <span className="bar-label">{pct(share, 0)}</span>
                </div>
              </td>
              <td className={`num${(f?.rebuffering_share ?? 0) > 0.05 ? ' hot-text' : ''}`}>
                {pct(f?.rebuffering_share)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Viewers of each region on each CDN: a steer shows here as a region's row moving across. */
function RegionCdnMatrix(props: {
  regions: string[];
  cdns: string[];
  cells: NonNullable<QoePoint['byRegionCdn']>;
}) {
  return (
    <table className="split matrix" data-testid="region-cdn-matrix">
      <thead>
        <tr>
          <th>region → CDN</th>
          {props.cdns.map((c) => (
            <th key={c} className="num">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.regions.map((r) => (
          <tr key={r}>
            <th scope="row">{r}</th>
            {props.cdns.map((c) => {
              const cell = props.cells[r]?.[c];
              const n = cell?.current_viewers ?? 0;
              return (
                <td
                  key={c}
                  className={`num${(cell?.rebuffering_share ?? 0) > 0.05 ? ' hot-text' : ''}`}
                  data-testid={`split-${r}-${c}`}
                  data-viewers={Math.round(n)}
                  title={cell ? `${pct(cell.rebuffering_share)} rebuffering` : ''}
                >
                  {viewers(n)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CdnSplit(props: { latest: QoePoint | null }) {
  const { info } = useConsole();
  const p = props.latest;
  const cdns = p ? [...new Set([...info.cdns, ...Object.keys(p.byCdn)])] : info.cdns;
  const regions = p ? [...new Set([...info.regions, ...Object.keys(p.byRegion)])] : info.regions;
  const total = p?.overall.current_viewers ?? 0;
  return (
    <section className="panel cdn-split" data-testid="cdn-split">
      <div className="panel-head">
        <h2>CDN split</h2>
        <span className="muted">{p ? `${viewers(total)} viewers now` : 'no data yet'}</span>
      </div>
      <SplitTable dim="cdn" title="CDN" keys={cdns} slice={p?.byCdn ?? {}} total={total} />
      <SplitTable dim="region" title="Region" keys={regions} slice={p?.byRegion ?? {}} total={total} />
      {p?.byRegionCdn && <RegionCdnMatrix regions={regions} cdns={cdns} cells={p.byRegionCdn} />}
    </section>
  );
}
