/**
 * "The seven dashboards at key moments": what each of the playbook's dashboards would have shown at
 * the first page, the mitigation and the resolution (or the end), rebuilt from what the journal
 * holds. What the journal does not hold (origin and packager internals, manifest checks) is said
 * plainly rather than invented; the faults injected at that component are shown as drill ground
 * truth instead.
 */
import type { ImpactFigures } from '../../incident/impact.ts';
import { clock, count, esc, labelText, pct } from './format.ts';
import { type FaultRow, type ReportModel, sampleAt } from './load.ts';

export interface Table {
  caption: string;
  columns: string[];
  rows: string[][];
  /** Rows to highlight (over the SEV2 threshold of 5% affected). */
  hot: number[];
}

export interface DashboardView {
  id: string;
  name: string;
  /** When the team first opened this dashboard, if before the moment. */
  opened: { t: number; role: string } | null;
  tables: Table[];
  notes: string[];
}

export interface Moment {
  id: 'page' | 'mitigation' | 'resolve';
  name: string;
  t: number | null;
  /** Why there is no such moment, or what stands in for it. */
  note?: string;
  context: Table[];
  dashboards: DashboardView[];
}

/** Affected share above which a slice row is highlighted: the SEV2 line. */
const HOT = 0.05;
/** Player errors are counted over this window before the moment. */
const ERROR_WINDOW_MS = 5 * 60_000;

const FIGURE_COLUMNS = ['viewers', 'rebuffering now', 'rebuffer ratio', 'start failures', 'affected'];

function sliceTable(caption: string, key: string, slices: Record<string, ImpactFigures> | undefined): Table {
  const entries = Object.entries(slices ?? {}).sort((a, b) => b[1].affectedShare - a[1].affectedShare);
  return {
    caption,
    columns: [key, ...FIGURE_COLUMNS],
    rows: entries.map(([name, f]) => [
      name,
      count(f.viewers),
      pct(f.rebufferingShare),
      pct(f.rebufferRatio, 2),
      pct(f.startFailureShare),
      pct(f.affectedShare),
    ]),
    hot: entries.flatMap(([, f], i) => (f.affectedShare > HOT ? [i] : [])),
  };
}

/** Which dashboards an injected fault would show up on (by its type and target). */
export function faultDashboards(f: FaultRow): string[] {
  const component = String(f.target.component ?? f.params.component ?? '');
  const text = JSON.stringify([f.fault, f.target, f.params]).toLowerCase();
  const out = new Set<string>();
  if (f.fault.startsWith('manifest-') || f.target.kind === 'manifest') out.add('manifest');
  if (component === 'origin' && !out.has('manifest')) out.add('origin');
  if (component === 'packager' || component === 'encoder' || ['segment-gap', 'av-drift'].includes(f.fault))
    out.add('packager');
  if (component === 'edge' || component === 'shield' || f.fault.startsWith('cache-')) out.add('cdn-edge');
  if (!component && (f.target.cdn !== undefined || f.target.pop !== undefined)) out.add('cdn-edge');
  if (component === 'licence' || text.includes('licence') || f.target.drm !== undefined) out.add('drm');
  if (f.fault === 'flag' || component === 'player') out.add('player-errors');
  if (f.target.isp !== undefined || f.target.link === 'viewer-edge') out.add('isp-cdn');
  return [...out];
}

function faultTable(m: ReportModel, t: number, dashboard: string): Table | null {
  const rows = m.faults
    .filter((f) => f.appliedAt <= t && (f.removedAt === null || f.removedAt > t))
    .filter((f) => faultDashboards(f).includes(dashboard));
  if (rows.length === 0) return null;
  return {
    caption: 'Injected faults in force here (drill ground truth, not what the dashboard shows)',
    columns: ['step', 'fault', 'target', 'since'],
    rows: rows.map((f) => [
      f.step,
      f.fault,
      labelText(Object.fromEntries(Object.entries({ ...f.target }).map(([k, v]) => [k, String(v)]))),
      clock(f.appliedAt, m.run.timeZone),
    ]),
    hot: [],
  };
}

function playerErrorTable(m: ReportModel, t: number, by: 'code' | 'drm'): Table | null {
  const recent = m.playerErrors.filter((e) => e.t <= t && e.t > t - ERROR_WINDOW_MS);
  if (recent.length === 0) return null;
  const groups = new Map<string, { n: number; weight: number; fatal: number; cols: string[] }>();
  for (const e of recent) {
    const cols = by === 'code' ? [e.code, e.category, e.player, e.device, e.isp] : [e.drm, e.device, e.code];
    const key = cols.join('\u0000');
    const g = groups.get(key) ?? { n: 0, weight: 0, fatal: 0, cols };
    g.n++;
    g.weight += e.weight;
    if (e.fatal) g.fatal++;
    groups.set(key, g);
  }
  const sorted = [...groups.values()].sort((a, b) => b.weight - a.weight).slice(0, 12);
  return {
    caption: `Player errors in the 5 minutes before ${clock(t, m.run.timeZone)}`,
    columns: [
      ...(by === 'code' ? ['code', 'category', 'player', 'device', 'ISP'] : ['DRM', 'device', 'code']),
      'sessions',
      'viewers (weighted)',
      'fatal',
    ],
    rows: sorted.map((g) => [...g.cols, String(g.n), count(g.weight), String(g.fatal)]),
    hot: [],
  };
}

function dashboard(m: ReportModel, id: string, name: string, t: number): DashboardView {
  const s = sampleAt(m, t);
  const tables: Table[] = [];
  const notes: string[] = [];
  const opened = m.actions.find((a) => a.kind === 'dashboard' && a.dashboard === id);
  const missing = (what: string) =>
    notes.push(
      `${what} ${m.run.mode === 'virtual' ? 'are not modelled in a virtual run and ' : ''}are not in the journal.`,
    );
  switch (id) {
    case 'origin':
      missing('Origin internals (segment 5xx rate, segment generation latency, manifest age)');
      break;
    case 'packager':
      missing('Packager internals (chunk-encoding latency, CMAF chunk gaps, A/V timestamp drift)');
      break;
    case 'manifest':
      missing('Manifest checks (does it parse, does it advance, are segment URLs reachable)');
      if (s)
        notes.push(
          `Nearest player-side signal: ${pct(s.global.startFailureShare)} of start attempts failed and ${pct(s.global.rebufferingShare)} of viewers were rebuffering.`,
        );
      break;
    case 'cdn-edge':
      if (s) {
        tables.push(sliceTable('By CDN', 'CDN', s.slices.cdn), sliceTable('By POP', 'POP', s.slices.pop));
        notes.push(
          'Per-POP cache-miss, 5xx and origin-pull rates are not in the journal; the QoE per CDN and POP is.',
        );
      }
      break;
    case 'drm': {
      notes.push('Licence issuance rate and licence server latency are not in the journal.');
      if (s?.slices.device)
        tables.push(
          sliceTable(
            'Start failures by device class (each class has its own DRM)',
            'device',
            s.slices.device,
          ),
        );
      const byDrm = playerErrorTable(m, t, 'drm');
      if (byDrm) tables.push(byDrm);
      const lic = m.licenceTimes.filter((x) => x.t <= t && x.t > t - ERROR_WINDOW_MS);
      if (lic.length > 0) {
        const drms = [...new Set(lic.map((x) => x.drm))].sort();
        tables.push({
          caption: 'Licence time at playback start (last 5 minutes)',
          columns: ['DRM', 'starts', 'median ms', 'max ms'],
          rows: drms.map((d) => {
            const ms = lic
              .filter((x) => x.drm === d)
              .map((x) => x.ms)
              .sort((a, b) => a - b);
            return [
              d,
              String(ms.length),
              String(Math.round(ms[Math.floor(ms.length / 2)]!)),
              String(Math.round(ms.at(-1)!)),
            ];
          }),
          hot: [],
        });
      }
      break;
    }
    case 'player-errors': {
      const codes = playerErrorTable(m, t, 'code');
      if (codes) tables.push(codes);
      else
        notes.push(
          m.sessionEventsJournaled
            ? 'No player errors in the 5 minutes before this moment.'
            : 'Player error codes are not in the journal (session events were not journaled; `--journal-sessions` or a real run records them). The nearest signal is below.',
        );
      if (!codes && s?.slices.device)
        tables.push(sliceTable('QoE by device class', 'device', s.slices.device));
      break;
    }
    case 'isp-cdn':
      if (s)
        tables.push(sliceTable('By ISP', 'ISP', s.slices.isp), sliceTable('By CDN', 'CDN', s.slices.cdn));
      break;
    default:
      notes.push('Not one of the playbook dashboards streamdrill knows; nothing in the journal maps to it.');
  }
  const faults = faultTable(m, t, id);
  if (faults) tables.push(faults);
  if (!s && ['cdn-edge', 'isp-cdn', 'drm', 'player-errors'].includes(id))
    notes.push('No impact sample in the journal at this moment.');
  return {
    id,
    name,
    opened: opened && opened.t <= t ? { t: opened.t, role: opened.role } : null,
    tables: tables.filter((x) => x.rows.length > 0),
    notes,
  };
}

function context(m: ReportModel, t: number): Table[] {
  const inForce = new Map<
    string,
    { rule: string; action: string; labels: Record<string, string>; since: number }
  >();
  for (const a of m.alertEvents) {
    if (a.t > t) break;
    const key = JSON.stringify([a.rule, a.labels]);
    if (a.state === 'firing') inForce.set(key, { ...a, since: a.t });
    else if (a.state === 'resolved') inForce.delete(key);
  }
  const s = sampleAt(m, t);
  const declared = m.incident
    .of('declare')
    .filter((d) => d.t <= t)
    .at(-1);
  const tables: Table[] = [
    {
      caption: 'At a glance',
      columns: ['current viewers', 'affected', 'rebuffering now', 'start failures', 'declared'],
      rows: [
        [
          s ? count(s.global.viewers) : '-',
          s ? pct(s.global.affectedShare) : '-',
          s ? pct(s.global.rebufferingShare) : '-',
          s ? pct(s.global.startFailureShare) : '-',
          declared ? declared.severity : 'nothing yet',
        ],
      ],
      hot: s && s.global.affectedShare > HOT ? [0] : [],
    },
    {
      caption: 'Alerts in force',
      columns: ['rule', 'action', 'labels', 'firing since'],
      rows: [...inForce.values()].map((a) => [
        a.rule,
        a.action,
        labelText(a.labels),
        clock(a.since, m.run.timeZone),
      ]),
      hot: [],
    },
    {
      caption: 'Levers pulled so far',
      columns: ['time', 'lever', 'role', 'what it did'],
      rows: m.levers
        .filter((l) => l.t <= t)
        .map((l) => [clock(l.t, m.run.timeZone), l.lever, l.role, l.summary]),
      hot: [],
    },
  ];
  return tables;
}

export function keyMoments(m: ReportModel): Moment[] {
  const { firstPage, firstMitigation, resolved } = m.scorecard.times;
  const specs: { id: Moment['id']; name: string; t: number | null; none: string }[] = [
    { id: 'page', name: 'First page', t: firstPage ?? null, none: 'No page fired in this run.' },
    {
      id: 'mitigation',
      name: 'Mitigation',
      t: firstMitigation ?? null,
      none: 'No mitigation was carried out in this run.',
    },
    {
      id: 'resolve',
      name: resolved === null || resolved === undefined ? 'End of run' : 'Resolve',
      t: resolved ?? m.endedAt,
      none: '',
    },
  ];
  return specs.map((sp) => {
    if (sp.t === null)
      return { id: sp.id, name: sp.name, t: null, note: sp.none, context: [], dashboards: [] };
    const t = sp.t;
    return {
      id: sp.id,
      name: sp.name,
      t,
      ...(sp.id === 'resolve' && (resolved === null || resolved === undefined)
        ? {
            note: m.actions.some((a) => a.kind === 'declare')
              ? 'The incident was not resolved in this run; this is the state when the run ended.'
              : 'No incident was declared in this run; this is the state when the run ended.',
          }
        : {}),
      context: context(m, t),
      dashboards: m.runbook.dashboards.map((d) => dashboard(m, d.id, d.name, t)),
    };
  });
}

/** HTML for a table (shared by the report page). */
export function tableHtml(t: Table, cls = ''): string {
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = t.rows
    .map(
      (r, i) =>
        `<tr${t.hot.includes(i) ? ' class="hot"' : ''}>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table class="${cls}"><caption>${esc(t.caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body || `<tr><td colspan="${t.columns.length}" class="none">none</td></tr>`}</tbody></table>`;
}
