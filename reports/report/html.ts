/**
 * report.html: one self-contained page (inline CSS, inline SVG, no scripts, no network) that opens
 * offline from a file and prints cleanly.
 */
import type { ImpactFigures } from '../../incident/impact.ts';
import { type ImpactField, metric } from '../../metrics/catalogue.ts';
import { clock, count, dateTime, dur, esc, labelText, pct, rel } from './format.ts';
import { summarizeImpact } from './impact.ts';
import type { Marker, ReportModel } from './load.ts';
import { keyMoments, type Moment, tableHtml } from './moments.ts';
import { severityNote } from './severity-note.ts';
import { type ChartSeries, lineChart, MARKER_STYLE, SERIES_COLORS, seriesLegend } from './svg-chart.ts';

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #0f172a; background: #f8fafc; margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e2e8f0; }
h3 { font-size: 16px; margin: 22px 0 8px; }
h4 { font-size: 14px; margin: 0 0 6px; }
.sub { color: #475569; margin: 0 0 14px; }
dl.facts { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px 16px; margin: 0; }
dl.facts div { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 6px 10px; }
dl.facts dt { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: #64748b; }
dl.facts dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; background: #fff; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; color: #334155; }
th, td { border: 1px solid #e2e8f0; padding: 4px 8px; text-align: left; vertical-align: top; }
.dash td:first-child, table.items td:nth-child(4) { white-space: nowrap; }
th { background: #f1f5f9; font-weight: 600; }
tr.hot td { background: #fef2f2; }
td.none { color: #94a3b8; font-style: italic; }
.pass { color: #15803d; font-weight: 700; }
.fail { color: #b91c1c; font-weight: 700; }
.na { color: #64748b; }
.score { display: flex; gap: 16px; align-items: stretch; margin: 8px 0 12px; }
.score .big { font-size: 40px; font-weight: 800; background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px 18px; }
.score .big small { font-size: 16px; color: #64748b; }
.severity { flex: 1; background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px 14px; }
.note { background: #fffbeb; border: 1px solid #fcd34d; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.muted { color: #64748b; }
.chart { display: block; max-width: 100%; height: auto; background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; margin-top: 10px; }
.chart-title { font-size: 13px; font-weight: 600; fill: #0f172a; }
.tick { font-size: 10px; fill: #475569; }
.marker-label { font-size: 10px; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; margin: 4px 0 0; color: #334155; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
ol.markers { font-size: 12px; columns: 2; column-gap: 24px; padding-left: 20px; }
ol.markers li { break-inside: avoid; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: middle; }
.dashboards { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; }
.dash { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 10px 12px; min-width: 0; }
.dash table { font-size: 12px; }
.dash p { margin: 4px 0; font-size: 12px; }
.dash .num { color: #64748b; font-weight: 400; }
details.moment { margin: 8px 0 16px; }
details.moment > summary { cursor: pointer; font-weight: 700; font-size: 15px; }
@media print { body { background: #fff; } details.moment { break-inside: avoid-page; } }
`;

const passCell = (p: boolean | null) =>
  p === null ? '<td class="na">n/a</td>' : p ? '<td class="pass">PASS</td>' : '<td class="fail">FAIL</td>';

function header(m: ReportModel): string {
  const r = m.run;
  const spanMs = m.endedAt - r.startMs;
  const facts: [string, string][] = [
    ['scenario', r.scenario],
    ['mode', r.mode],
    ['seed', String(r.seed)],
    ['team', r.team],
    ['wall-clock start', dateTime(r.startMs, r.timeZone)],
    ['time zone', r.timeZone],
    [
      'duration',
      `${dur(spanMs)}${r.durationMs && Math.abs(r.durationMs - spanMs) > 1000 ? ` of ${dur(r.durationMs)} planned` : ''}`,
    ],
    ['ended by', m.halted ? `halt: ${m.halted}` : m.endedBy],
  ];
  if (r.viewers !== null) facts.push(['viewers', count(r.viewers)]);
  if (r.sessions !== null) facts.push(['model sessions', count(r.sessions)]);
  return `<header><h1>${esc(r.title)}</h1><p class="sub">streamdrill drill report · generated from <code>${esc(m.journalPath)}</code></p>
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>
${m.errors.length ? `<div class="note"><strong>Run errors:</strong> ${m.errors.map(esc).join('; ')}</div>` : ''}</header>`;
}

function scorecard(m: ReportModel): string {
  const s = m.scorecard;
  const sev = s.severity;
  const scope = Object.entries(sev.scope)
    .map(([k, v]) => `${k}: ${v.join(', ')}`)
    .join('; ');
  const note = severityNote(m);
  const rows = s.items
    .map(
      (i) =>
        `<tr data-item="${esc(i.id)}"><td>${esc(i.name)}</td><td>${esc(i.target)}</td><td>${esc(i.measured)}</td>${passCell(i.pass)}<td>${esc(i.why)}</td><td>${i.weight}</td></tr>`,
    )
    .join('');
  const exp = m.expectations
    .map(
      (e) =>
        `<tr><td>${esc(e.kind)}</td><td>${esc(e.description)}</td>${passCell(e.pass)}<td>${esc(e.why)}</td></tr>`,
    )
    .join('');
  return `<section id="scorecard"><h2>Scorecard</h2>
<div class="score"><div class="big" data-score="${s.score}">${s.score}<small>/100</small></div>
<div class="severity"><h4>Severity: the grid calls it <span data-severity="${esc(sev.truth)}">${esc(sev.truth)}</span>; declared ${esc(sev.declared ?? 'none')} (${esc(sev.comparison)})</h4>
<ul>${sev.reasons.map((r) => `<li>${esc(r)}</li>`).join('') || '<li>no user-visible impact</li>'}</ul>
${scope ? `<p class="muted">Scope: ${esc(scope)}</p>` : ''}</div></div>
${note ? `<div class="note" data-note="severity">${esc(note)}</div>` : ''}
<p class="muted">The score is the weighted share of applicable items passed; n/a items do not count. The severity is the grid's call (docs/scoring.md).</p>
<table class="items"><thead><tr><th>item</th><th>target</th><th>measured</th><th>result</th><th>why</th><th>weight</th></tr></thead><tbody>${rows}</tbody></table>
${exp ? `<h3>Scenario expectations</h3><table><thead><tr><th>kind</th><th>expectation</th><th>result</th><th>why</th></tr></thead><tbody>${exp}</tbody></table>` : ''}
</section>`;
}

type Metric = ImpactField;
/** The charted impact figures, as the metric catalogue names them. */
const METRICS: { key: Metric; name: string }[] = (
  ['rebuffering_share', 'rebuffer_ratio', 'start_failure'] as const
).map((id) => ({ key: metric(id).impact as Metric, name: metric(id).title }));

function seriesFor(m: ReportModel, dimension: 'region' | 'cdn', metric: Metric): ChartSeries[] {
  const names = [...new Set(m.samples.flatMap((s) => Object.keys(s.slices[dimension] ?? {})))].sort();
  const pick = (f: ImpactFigures | undefined) => (f && Number.isFinite(f[metric]) ? f[metric] : undefined);
  const series: ChartSeries[] = names.map((name, i) => ({
    name: `${dimension} ${name}`,
    color: SERIES_COLORS[i % SERIES_COLORS.length]!,
    points: m.samples.flatMap((s) => {
      const v = pick(s.slices[dimension]?.[name]);
      return v === undefined ? [] : [{ t: s.t, v }];
    }),
  }));
  series.push({
    name: 'global',
    color: '#64748b',
    dashed: true,
    points: m.samples.flatMap((s) => {
      const v = pick(s.global);
      return v === undefined ? [] : [{ t: s.t, v }];
    }),
  });
  return series;
}

function markerList(m: ReportModel, markers: Marker[]): string {
  return `<ol class="markers">${markers
    .map((mk) => {
      const st = MARKER_STYLE[mk.kind];
      return `<li><span class="swatch" style="background:${st.color}"></span><strong>${esc(clock(mk.t, m.run.timeZone))}</strong> <span class="muted">${esc(rel(mk.t, m.run.startMs))}</span> ${esc(st.name)}: ${esc(mk.detail)}</li>`;
    })
    .join('')}</ol>`;
}

function timelines(m: ReportModel): string {
  if (m.samples.length === 0)
    return '<section id="qoe"><h2>QoE timelines</h2><p>No impact samples in the journal.</p></section>';
  const t0 = Math.min(m.run.startMs, m.samples[0]!.t);
  const t1 = Math.max(m.endedAt, m.samples.at(-1)!.t);
  const charts = (dimension: 'region' | 'cdn') =>
    METRICS.map((metric) => {
      const series = seriesFor(m, dimension, metric.key);
      return (
        lineChart({
          id: `${dimension}-${metric.key}`,
          title: `${metric.name} by ${dimension === 'cdn' ? 'CDN' : dimension}`,
          t0,
          t1,
          timeZone: m.run.timeZone,
          series,
          markers: m.markers,
        }) + seriesLegend(series)
      );
    }).join('');
  return `<section id="qoe"><h2>QoE timelines</h2>
<p class="muted">Impact samples every ${m.samples.length > 1 ? dur(m.samples[1]!.t - m.samples[0]!.t) : '-'} over a one-minute window; times in ${esc(m.run.timeZone)}. Markers: fault applied/removed, page and investigate alerts firing/resolved, acknowledge, declare, mitigate (lever), impact halved, recovery, resolve.</p>
<h3>Markers</h3>${markerList(m, m.markers)}
<h3>By region</h3>${charts('region')}
<h3>By CDN</h3>${charts('cdn')}</section>`;
}

function momentHtml(m: ReportModel, mo: Moment): string {
  if (mo.t === null)
    return `<details class="moment" open data-moment="${mo.id}"><summary>${esc(mo.name)}</summary><p>${esc(mo.note ?? '')}</p></details>`;
  const cards = mo.dashboards
    .map((d, i) => {
      const opened = d.opened
        ? `<p class="muted">Opened by ${esc(d.opened.role)} at ${esc(clock(d.opened.t, m.run.timeZone))}.</p>`
        : '<p class="muted">Not opened by the team before this moment.</p>';
      return `<div class="dash" data-dashboard="${esc(d.id)}"><h4><span class="num">${i + 1}.</span> ${esc(d.name)}</h4>${opened}${d.notes.map((n) => `<p>${esc(n)}</p>`).join('')}${d.tables.map((t) => tableHtml(t)).join('')}</div>`;
    })
    .join('');
  return `<details class="moment" open data-moment="${mo.id}"><summary>${esc(mo.name)} — ${esc(clock(mo.t, m.run.timeZone))} (${esc(rel(mo.t, m.run.startMs))})</summary>
${mo.note ? `<p>${esc(mo.note)}</p>` : ''}${mo.context.map((t) => tableHtml(t)).join('')}
<div class="dashboards">${cards}</div></details>`;
}

function dashboards(m: ReportModel): string {
  return `<section id="dashboards"><h2>The seven dashboards at key moments</h2>
<p class="muted">What each dashboard of the runbook would have shown, rebuilt from the journal. Rows over 5% affected are highlighted. Where the journal does not hold a dashboard's data, it says so.</p>
${keyMoments(m)
  .map((mo) => momentHtml(m, mo))
  .join('')}</section>`;
}

function actionsTable(m: ReportModel): string {
  const rows = m.actions
    .map(
      (a) =>
        `<tr data-action="${esc(a.kind)}"><td>${esc(clock(a.t, m.run.timeZone))}</td><td>${esc(rel(a.t, m.run.startMs))}</td><td>${esc(a.role)}</td><td>${esc(a.what)}</td></tr>`,
    )
    .join('');
  return `<section id="actions"><h2>Timeline of actions (scribe view)</h2>
<table><thead><tr><th>time</th><th>run time</th><th>role</th><th>what</th></tr></thead><tbody>${rows || '<tr><td colspan="4" class="none">no actions: nobody responded</td></tr>'}</tbody></table></section>`;
}

function faultsTable(m: ReportModel): string {
  const kv = (o: Record<string, unknown>) =>
    labelText(
      Object.fromEntries(
        Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ),
    );
  const rows = m.faults
    .map(
      (f) =>
        `<tr><td>${esc(f.step)}</td><td>${esc(f.fault)}</td><td>${esc(kv(f.target))}</td><td>${esc(kv(f.params))}</td><td>${esc(clock(f.appliedAt, m.run.timeZone))}</td><td>${f.removedAt === null ? 'never' : esc(clock(f.removedAt, m.run.timeZone))}</td><td>${esc(f.reason ?? '-')}</td><td>${f.updates}</td></tr>`,
    )
    .join('');
  return `<section id="faults"><h2>Faults</h2><table><thead><tr><th>step</th><th>fault</th><th>target</th><th>params (last)</th><th>applied</th><th>removed</th><th>why removed</th><th>ramp updates</th></tr></thead><tbody>${rows || '<tr><td colspan="8" class="none">no faults</td></tr>'}</tbody></table></section>`;
}

function alertsTable(m: ReportModel): string {
  const t = (v: number | undefined) => (v === undefined ? '-' : clock(v, m.run.timeZone));
  const rows = m.alerts
    .map(
      (a) =>
        `<tr data-alert-action="${esc(a.action)}"><td>${esc(a.rule)}</td><td>${esc(a.action)}</td><td>${esc(labelText(a.labels))}</td><td>${t(a.pendingAt)}</td><td>${t(a.firedAt)}</td><td>${t(a.resolvedAt)}</td><td>${a.firedAt !== undefined ? esc(dur((a.resolvedAt ?? m.endedAt) - a.firedAt)) : '-'}</td><td>${a.peakValue === null ? '-' : esc(a.peakValue.toFixed(3))}</td></tr>`,
    )
    .join('');
  return `<section id="alerts"><h2>Alerts</h2><table><thead><tr><th>rule</th><th>action</th><th>labels</th><th>pending</th><th>firing</th><th>resolved</th><th>firing for</th><th>peak value</th></tr></thead><tbody>${rows || '<tr><td colspan="8" class="none">no alert went pending</td></tr>'}</tbody></table></section>`;
}

function impactSection(m: ReportModel): string {
  const i = summarizeImpact(m);
  const rows: [string, string][] = [
    ['pre-fault baseline (affected)', pct(i.baseline, 2)],
    ['peak affected (global)', i.peak ? `${pct(i.peak.share)} at ${clock(i.peak.t, m.run.timeZone)}` : '-'],
    ...i.worst.map(
      (w) =>
        [`worst ${w.dimension}`, `${w.name}: ${pct(w.share)} at ${clock(w.t, m.run.timeZone)}`] as [
          string,
          string,
        ],
    ),
    [
      'impact window',
      i.start === null
        ? 'no impact above baseline'
        : `${clock(i.start, m.run.timeZone)} – ${i.end === null ? '?' : clock(i.end, m.run.timeZone)} (${dur(i.durationMs)})`,
    ],
    ['viewers affected at the peak (estimated)', count(i.peakViewersAffected)],
    ['affected viewer-minutes above baseline (estimated)', count(i.excessViewerMinutes)],
  ];
  return `<section id="impact"><h2>Impact</h2><table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>${i.weight ? `<p class="muted">Estimated from weighted samples: each session stands for about ${count(i.weight)} viewers.</p>` : ''}</section>`;
}

export function renderHtml(m: ReportModel): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(m.run.title)} — streamdrill report</title>
<style>${CSS}</style></head>
<body><main>
${header(m)}
${scorecard(m)}
${impactSection(m)}
${timelines(m)}
${dashboards(m)}
${actionsTable(m)}
${faultsTable(m)}
${alertsTable(m)}
<footer class="muted"><p>Written by <code>streamdrill report</code> from the journal alone; the scorecard is recomputed against the runbook. Roles only, never names.</p></footer>
</main></body></html>
`;
}
