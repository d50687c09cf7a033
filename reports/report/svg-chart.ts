/**
 * Hand-written SVG line charts. The report must open offline from a file, with no scripts or
 * bundles; a chart library would need a DOM (or React) to render, so a few hundred bytes of SVG
 * per series written here is the simpler dependency-free path.
 */
import { clock, esc, pct } from './format.ts';
import type { Marker, MarkerKind } from './load.ts';

export interface ChartSeries {
  name: string;
  points: { t: number; v: number }[];
  color: string;
  dashed?: boolean;
}

export interface ChartOptions {
  id: string;
  title: string;
  t0: number;
  t1: number;
  timeZone: string;
  series: ChartSeries[];
  markers: Marker[];
  width?: number;
  height?: number;
}

export const SERIES_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b'];

export const MARKER_STYLE: Record<MarkerKind, { color: string; dash?: string; name: string }> = {
  'fault-applied': { color: '#b91c1c', name: 'fault applied' },
  'fault-removed': { color: '#b91c1c', dash: '4 3', name: 'fault removed' },
  'alert-firing': { color: '#ea580c', name: 'alert firing' },
  'alert-resolved': { color: '#ea580c', dash: '4 3', name: 'alert resolved' },
  acknowledge: { color: '#2563eb', name: 'acknowledge' },
  declare: { color: '#7c3aed', name: 'declare' },
  mitigate: { color: '#0d9488', name: 'mitigate (lever)' },
  'impact-reduced': { color: '#0f766e', dash: '2 3', name: 'impact halved' },
  recovery: { color: '#15803d', dash: '6 3', name: 'recovery' },
  resolve: { color: '#334155', name: 'resolve' },
};

const M = { left: 56, right: 16, top: 28, bottom: 30 };
/** Approximate advance of the 10px label font; used only to keep labels from overlapping. */
const CHAR_PX = 5.6;
const LANE_PX = 12;

function niceStep(max: number, ticks: number): number {
  const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1];
  return steps.find((s) => max / s <= ticks) ?? 1;
}

function timeStep(spanMs: number): number {
  const minutes = [1, 2, 5, 10, 15, 30, 60, 120, 240];
  const m = minutes.find((x) => spanMs / (x * 60_000) <= 10) ?? 480;
  return m * 60_000;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

export function lineChart(o: ChartOptions): string {
  const W = o.width ?? 900;
  const H = o.height ?? 290;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const span = Math.max(1, o.t1 - o.t0);
  const x = (t: number) => M.left + ((t - o.t0) / span) * pw;
  const maxV = Math.max(0, ...o.series.flatMap((s) => s.points.map((p) => p.v)));
  const step = niceStep(Math.max(maxV * 1.1, 0.01), 5);
  const yMax = Math.max(step, Math.ceil((maxV * 1.1) / step) * step);
  const y = (v: number) => M.top + ph - (Math.min(v, yMax) / yMax) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" data-chart="${esc(o.id)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}">`,
    `<text x="${M.left}" y="16" class="chart-title">${esc(o.title)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="#fff" stroke="#cbd5e1"/>`,
  );
  // Grid and axes
  // 2.5% steps need a decimal; whole-percent steps do not.
  const digits = Number.isInteger(Math.round(step * 10_000) / 100) ? 0 : 1;
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    const yy = r1(y(v));
    parts.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${yy}" y2="${yy}" stroke="#e2e8f0"/>`,
      `<text x="${M.left - 6}" y="${yy + 3}" text-anchor="end" class="tick">${pct(v, digits)}</text>`,
    );
  }
  const ts = timeStep(span);
  for (let t = Math.ceil(o.t0 / ts) * ts; t <= o.t1; t += ts) {
    const xx = r1(x(t));
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${M.top + ph}" y2="${M.top + ph + 4}" stroke="#64748b"/>`,
      `<text x="${xx}" y="${M.top + ph + 16}" text-anchor="middle" class="tick">${esc(clock(t, o.timeZone).slice(0, 5))}</text>`,
    );
  }
  // Series
  for (const s of o.series) {
    if (s.points.length === 0) continue;
    const pts = s.points.map((p) => `${r1(x(p.t))},${r1(y(p.v))}`).join(' ');
    parts.push(
      `<polyline class="series" data-series="${esc(s.name)}" fill="none" stroke="${s.color}" stroke-width="${s.dashed ? 1.5 : 2}"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${pts}"/>`,
    );
  }
  // Markers: a vertical line per event with a label reading downwards inside the plot. Labels that
  // would overlap a neighbour drop to a lower lane, or move right when no lane is free.
  const placed: { x: number; y0: number; y1: number }[] = [];
  for (const mk of o.markers) {
    if (mk.t < o.t0 || mk.t > o.t1) continue;
    const style = MARKER_STYLE[mk.kind];
    const mx = r1(x(mk.t));
    const len = mk.label.length * CHAR_PX + 6;
    let lx = mx + 3;
    let ly = 0;
    for (let tries = 0; tries < 40; tries++) {
      const clash = placed.find((p) => Math.abs(p.x - lx) < LANE_PX && ly < p.y1 && ly + len > p.y0);
      if (!clash) break;
      ly = clash.y1 + 4;
      if (ly + len > ph) {
        ly = 0;
        lx += LANE_PX;
      }
    }
    placed.push({ x: lx, y0: ly, y1: ly + len });
    parts.push(
      `<g class="marker" data-marker="${mk.kind}" data-t="${mk.t}">`,
      `<title>${esc(`${clock(mk.t, o.timeZone)} ${style.name}: ${mk.detail}`)}</title>`,
      `<line x1="${mx}" x2="${mx}" y1="${M.top}" y2="${M.top + ph}" stroke="${style.color}" stroke-width="1.5"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`,
      `<text class="marker-label" transform="translate(${r1(lx)},${r1(M.top + 4 + ly)}) rotate(90)" fill="${style.color}">${esc(mk.label)}</text>`,
      '</g>',
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** The series legend (HTML) under a chart. */
export function seriesLegend(series: ChartSeries[]): string {
  return `<div class="legend">${series
    .map(
      (s) =>
        `<span><svg width="22" height="8" aria-hidden="true"><line x1="0" x2="22" y1="4" y2="4" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/></svg>${esc(s.name)}</span>`,
    )
    .join('')}</div>`;
}
