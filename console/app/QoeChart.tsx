/** One QoE line chart: a line per slice, dashed baselines, an optional threshold, incident markers. */
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { clockTime } from './format.ts';
import { formatValue, type MetricDef, type Row, scaled } from './series.ts';

/** The next "nice" axis top at or above v: 1, 2, 2.5, 5 times a power of ten. */
function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v * 0.999) return m * p;
  return 10 * p;
}

export interface Marker {
  t: number;
  kind: 'alert' | 'declare' | 'mitigate' | 'resolve';
  label: string;
}

export const MARKER_COLOURS: Record<Marker['kind'], string> = {
  alert: '#d62728',
  declare: '#6a3d9a',
  mitigate: '#1a9850',
  resolve: '#2166ac',
};

/** A marker's label beside its line, staggered down so markers close in time stay readable. */
function markerLabel(m: Marker, index: number, leftOfLine: boolean) {
  return (p: { viewBox?: { x?: number; y?: number } }) => (
    <text
      x={(p.viewBox?.x ?? 0) + (leftOfLine ? -3 : 3)}
      textAnchor={leftOfLine ? 'end' : 'start'}
      y={(p.viewBox?.y ?? 0) + 10 + (index % 4) * 11}
      fontSize={10}
      fontWeight={600}
      fill={MARKER_COLOURS[m.kind]}
    >
      {m.label}
    </text>
  );
}

export interface SeriesDef {
  key: string;
  colour: string;
  /** The fault-free baseline for this slice, in the figure's own unit (not scaled). */
  baseline: number | null;
  latest: number | null;
}

export function QoeChart(props: {
  metric: MetricDef;
  data: Row[];
  series: SeriesDef[];
  markers: Marker[];
  labelMarkers: boolean;
  timeZone: string;
}) {
  const { metric, data, series, markers, timeZone } = props;
  const threshold = metric.threshold ? scaled(metric.unit, metric.threshold.value) : null;
  const first = data[0]?.t;
  const last = data.at(-1)?.t;
  const inRange = (t: number) => first !== undefined && last !== undefined && t >= first && t <= last;
  const pctUnit = metric.unit === 'pct';
  // Under ten minutes of history, ticks need seconds to tell apart.
  const shortRange = first !== undefined && last !== undefined && last - first < 10 * 60_000;
  return (
    <figure className="chart" data-testid={`qoe-chart-${metric.key}`}>
      <figcaption>
        <span className="chart-title">{metric.title}</span>
        <span className="chart-latest">
          {series.map((s) => (
            <span key={s.key} style={{ color: s.colour }}>
              {s.key} <b>{formatValue(metric.unit, scaled(metric.unit, s.latest))}</b>
            </span>
          ))}
        </span>
      </figcaption>
      {data.length < 2 ? (
        <div className="chart-empty">waiting for data…</div>
      ) : (
        <LineChart
          responsive
          style={{ width: '100%', height: 170 }}
          data={data}
          margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
        >
          <CartesianGrid stroke="#e4e7ec" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            domain={['dataMin', 'dataMax']}
            scale="time"
            tickFormatter={(t: number) => clockTime(t, timeZone, shortRange)}
            tick={{ fontSize: 11 }}
            minTickGap={40}
          />
          <YAxis
            width={48}
            tick={{ fontSize: 11 }}
            domain={[
              0,
              (max: number) =>
                niceCeil(Math.max(max, threshold !== null ? threshold * 1.2 : pctUnit ? 1 : 0)),
            ]}
            tickFormatter={(v: number) =>
              pctUnit ? `${Number(v.toFixed(1))}%` : metric.unit === 'kbps' ? `${Math.round(v)}` : `${v}`
            }
            allowDecimals
          />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(t) => clockTime(Number(t), timeZone)}
            formatter={(v) => formatValue(metric.unit, typeof v === 'number' ? v : Number(v))}
          />
          {series.map((s) =>
            s.baseline === null ? null : (
              <ReferenceLine
                key={`base-${s.key}`}
                y={scaled(metric.unit, s.baseline) ?? undefined}
                stroke={s.colour}
                strokeDasharray="5 4"
                strokeOpacity={0.7}
                ifOverflow="extendDomain"
              />
            ),
          )}
          {threshold !== null && (
            <ReferenceLine
              y={threshold}
              stroke="#d62728"
              strokeWidth={1.5}
              label={{
                value: metric.threshold?.label,
                position: 'insideTopLeft',
                fontSize: 11,
                fill: '#d62728',
              }}
            />
          )}
          {markers
            .filter((m) => inRange(m.t))
            .map((m, i) => (
              <ReferenceLine
                key={`${m.kind}-${m.t}-${m.label}`}
                x={m.t}
                stroke={MARKER_COLOURS[m.kind]}
                strokeDasharray="2 3"
                label={
                  props.labelMarkers
                    ? markerLabel(
                        m,
                        i,
                        first !== undefined && last !== undefined && m.t > last - (last - first) * 0.15,
                      )
                    : undefined
                }
              />
            ))}
          {series.map((s) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.key}
              stroke={s.colour}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      )}
    </figure>
  );
}
