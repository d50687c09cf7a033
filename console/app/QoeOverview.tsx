/** The QoE overview: six line charts by region or by CDN, with baselines and incident markers. */
import { useMemo, useState } from 'react';
import type { ConsoleSnapshot, QoePoint } from '../api.ts';
import { useConsole } from './context.ts';
import { MARKER_COLOURS, type Marker, QoeChart, type SeriesDef } from './QoeChart.tsx';
import { colour, type Dim, METRICS, rows, sliceOf, thin } from './series.ts';

const MAX_POINTS = 360;

function markersOf(snapshot: ConsoleSnapshot | null, rules: { name: string; action: string }[]): Marker[] {
  if (!snapshot) return [];
  const out: Marker[] = [];
  const seen = new Set<string>();
  const add = (m: Marker) => {
    const key = `${m.kind}|${Math.round(m.t / 1000)}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(m);
  };
  for (const e of snapshot.timeline) {
    if (e.type !== 'alert.firing') continue;
    // Pages only, when the entry names its rule; every firing alert when it names none.
    const named = rules.filter((r) => e.text.includes(r.name));
    if (named.length === 0 || named.some((r) => r.action === 'page')) {
      add({ t: e.t, kind: 'alert', label: 'page' });
    }
  }
  for (const a of snapshot.alerts) {
    if (a.state === 'firing' && a.action === 'page') add({ t: a.since, kind: 'alert', label: 'page' });
  }
  const inc = snapshot.incident;
  if (inc.declared) add({ t: inc.declared.t, kind: 'declare', label: inc.declared.severity });
  for (const m of inc.mitigations) add({ t: m.t, kind: 'mitigate', label: m.lever });
  if (inc.resolved) add({ t: inc.resolved.t, kind: 'resolve', label: 'resolved' });
  return out;
}

export function QoeOverview(props: { qoe: QoePoint[]; snapshot: ConsoleSnapshot | null }) {
  const { info } = useConsole();
  const [dim, setDim] = useState<Dim>('region');
  const latest = props.qoe.at(-1) ?? null;

  const keys = useMemo(() => {
    const listed = dim === 'region' ? info.regions : info.cdns;
    const seen = latest ? Object.keys(sliceOf(latest, dim)) : [];
    return [...listed, ...seen.filter((k) => !listed.includes(k))];
  }, [dim, info, latest]);

  const thinned = useMemo(() => thin(props.qoe, MAX_POINTS), [props.qoe]);
  const data = useMemo(() => METRICS.map((m) => rows(thinned, dim, m, keys)), [thinned, dim, keys]);

  const markers = useMemo(() => markersOf(props.snapshot, info.rules), [props.snapshot, info.rules]);

  const baseline = info.baseline ? sliceOf(info.baseline, dim) : {};
  const latestSlice = latest ? sliceOf(latest, dim) : {};

  return (
    <section className="panel qoe" data-testid="qoe-overview">
      <div className="panel-head">
        <h2>QoE overview</h2>
        <fieldset className="seg" aria-label="Slice by">
          <button
            type="button"
            data-testid="qoe-by-region"
            className={dim === 'region' ? 'active' : ''}
            onClick={() => setDim('region')}
          >
            by region
          </button>
          <button
            type="button"
            data-testid="qoe-by-cdn"
            className={dim === 'cdn' ? 'active' : ''}
            onClick={() => setDim('cdn')}
          >
            by CDN
          </button>
        </fieldset>
        <div className="legend">
          <span className="legend-item">
            <svg width="22" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="22" y2="4" stroke="#555" strokeDasharray="5 4" strokeWidth="2" />
            </svg>
            fault-free baseline
          </span>
          {(Object.keys(MARKER_COLOURS) as Marker['kind'][]).map((k) => (
            <span className="legend-item" key={k}>
              <svg width="10" height="14" aria-hidden="true">
                <line
                  x1="5"
                  y1="0"
                  x2="5"
                  y2="14"
                  stroke={MARKER_COLOURS[k]}
                  strokeDasharray="2 3"
                  strokeWidth="2"
                />
              </svg>
              {k === 'alert' ? 'page' : k}
            </span>
          ))}
        </div>
      </div>
      <div className="charts">
        {METRICS.map((m, i) => {
          const series: SeriesDef[] = keys.map((k, j) => ({
            key: k,
            colour: colour(dim, j),
            baseline: baseline[k]?.[m.key] ?? null,
            latest: latestSlice[k]?.[m.key] ?? null,
          }));
          return (
            <QoeChart
              key={m.key}
              metric={m}
              data={data[i]!}
              series={series}
              markers={markers}
              labelMarkers={i === 0}
              timeZone={info.timeZone}
            />
          );
        })}
      </div>
    </section>
  );
}
