/**
 * pir.md: a blameless post-incident review draft. Roles only, never names (the journal's aliases
 * are left out and redacted from free text in load.ts); the question is what process let this
 * happen, not who. Every mitigation ends with a follow-up: the ones filed during the incident are
 * listed, and one is added for each mitigation that had none.
 */
import { GROUND_TRUTH_TYPES, leverCallText } from '../../incident/projection.ts';
import { clock, count, dateTime, dur, labelText, pct, rel } from './format.ts';
import { summarizeImpact } from './impact.ts';
import type { FollowUpRow, LeverRow, ReportModel } from './load.ts';
import { severityNote } from './severity-note.ts';

/** Markdown table cells: no pipes, newlines or raw HTML inside. */
const cell = (s: string) =>
  s
    .replaceAll('|', '\\|')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/\s*\n\s*/g, ' ');

/** Pairs each mitigation with the first follow-up filed at or after it (else any unclaimed one). */
export function matchFollowUps(
  levers: LeverRow[],
  followUps: FollowUpRow[],
): { lever: LeverRow; followUp: FollowUpRow | null }[] {
  const free = [...followUps];
  return levers.map((lever) => {
    let i = free.findIndex((f) => f.t >= lever.t);
    if (i < 0) i = free.length > 0 ? 0 : -1;
    const followUp = i >= 0 ? free.splice(i, 1)[0]! : null;
    return { lever, followUp };
  });
}

export function renderPir(m: ReportModel): string {
  const tz = m.run.timeZone;
  const s = m.scorecard;
  const times = s.times;
  const role = (r: string) => m.runbook.roles.find((x) => x.id === r)?.name ?? r;
  const at = (t: number | null | undefined) =>
    t === null || t === undefined ? 'never' : `${clock(t, tz)} (${rel(t, m.run.startMs)})`;
  const impact = summarizeImpact(m);
  const firstPage = m.alertEvents.find((a) => a.state === 'firing' && a.action === 'page');
  const firstLever = m.levers[0];
  const declared = m.incident.first('declare');
  const firstStatus = m.incident.first('status');
  const scope = m.actions.find((a) => a.kind === 'scope');
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines, '');

  p(
    `# Post-incident review (draft): ${m.run.title}`,
    `> Blameless draft written by \`streamdrill report\` from the drill journal (${m.run.mode} run of \`${m.run.scenario}\`, seed ${m.run.seed}). ` +
      'It names roles, never people: the question is what in our process, tooling and tests let this reach viewers. Review and edit before sharing.',
  );

  // Summary
  const faultWords = m.faults.length
    ? m.faults.map((f) => `${f.fault} (${f.step})`).join(', ')
    : 'no injected fault';
  p(
    '## Summary',
    `On ${dateTime(m.run.startMs, tz)} the drill injected ${faultWords}. ` +
      (impact.peak && impact.start !== null
        ? `Up to ${pct(impact.peak.share)} of viewers were affected (${impact.worst[0] ? `worst: ${impact.worst[0].dimension} ${impact.worst[0].name} at ${pct(impact.worst[0].share)}` : 'no slice data'}) for about ${dur(impact.durationMs)}. `
        : 'No user-visible impact above the baseline was measured. ') +
      `The severity grid calls it **${s.severity.truth}**; the team declared ${s.severity.declared ?? 'nothing'} (${s.severity.comparison}). ` +
      (firstLever
        ? `The team mitigated with \`${firstLever.lever}\` at ${clock(firstLever.t, tz)}${times.impactReduced ? `, halving the impact by ${clock(times.impactReduced, tz)}` : ''}. `
        : 'No mitigation was carried out. ') +
      (times.resolved
        ? `The incident was resolved at ${clock(times.resolved, tz)}.`
        : 'The incident was not resolved before the run ended.') +
      ` Drill score: ${s.score}/100.`,
  );

  // Impact
  const impactLines = [
    '## Impact',
    `- **Peak affected share:** ${impact.peak ? `${pct(impact.peak.share)} of current viewers at ${clock(impact.peak.t, tz)}` : 'no samples'} (pre-fault baseline ${pct(impact.baseline, 2)}).`,
  ];
  for (const w of impact.worst.slice(0, 5))
    impactLines.push(`- **Worst ${w.dimension}:** ${w.name}, ${pct(w.share)} affected at ${clock(w.t, tz)}.`);
  impactLines.push(
    `- **Duration of impact:** ${impact.start === null ? 'none measured' : `${clock(impact.start, tz)} to ${impact.end === null ? 'the end of the run' : clock(impact.end, tz)}, about ${dur(impact.durationMs)} with the global affected share more than 0.5 points above the baseline`}` +
      (typeof times.recovered === 'number'
        ? `; the affected scope was back within its baseline from ${clock(times.recovered, tz)}.`
        : '.'),
    `- **Viewers affected (estimated from weights):** about ${count(impact.peakViewersAffected)} at the peak beyond the baseline; ${count(impact.excessViewerMinutes)} affected viewer-minutes in all` +
      (impact.weight ? ` (each session stands for about ${count(impact.weight)} viewers).` : '.'),
  );
  p(...impactLines);

  // Timeline: the incident's (incident/projection.ts) — the faults, the pages, every action.
  type Row = { t: number; who: string; what: string };
  const rows: Row[] = [];
  for (const entry of m.incident.timeline) {
    const e = entry.event;
    if (GROUND_TRUTH_TYPES.includes(e.type)) rows.push({ t: e.t, who: 'drill', what: entry.text });
    else if ((e.type === 'alert.firing' || e.type === 'alert.resolved') && e.action === 'page')
      rows.push({ t: e.t, who: 'alerting', what: entry.text });
    else if (entry.role !== 'system' && entry.role !== 'trainer')
      rows.push({ t: e.t, who: role(entry.role), what: entry.text });
  }
  if (typeof times.impactReduced === 'number')
    rows.push({ t: times.impactReduced, who: 'measured', what: 'impact halved' });
  if (typeof times.recovered === 'number')
    rows.push({ t: times.recovered, who: 'measured', what: 'back within baseline and staying there' });
  rows.sort((a, b) => a.t - b.t);
  const pageT = times.firstPage ?? null;
  p(
    '## Timeline',
    `Times in ${tz}; run time from the start of the drill; "from page" from the first page.`,
    '',
    '| time | run time | from page | role | what |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${clock(r.t, tz)} | ${rel(r.t, m.run.startMs)} | ${pageT === null ? '-' : rel(r.t, pageT).replace('T', '')} | ${cell(r.who)} | ${cell(r.what)} |`,
    ),
  );

  // Detection
  const detect = s.items.find((i) => i.id === 'detect');
  p(
    '## Detection',
    firstPage
      ? `- The first page was **${firstPage.rule}** (${labelText(firstPage.labels)}) at ${at(firstPage.t)}.`
      : '- No page fired.',
    `- Time to detect: ${detect ? detect.measured : '-'}${detect?.pass === false ? ` — ${detect.why}` : ''}.`,
    `- Impact began at ${times.impactStart ? at(times.impactStart) : 'no point (no sustained impact above the baseline)'}; the first fault was applied at ${at(times.firstFault)}.`,
  );

  // Response
  const reduce = s.items.find((i) => i.id === 'impact-reduced');
  const hold = s.items.find((i) => i.id === 'recovery-hold');
  p(
    '## Response',
    `- Acknowledged: ${at(times.acknowledged)}${pageT !== null && times.acknowledged ? `, ${dur(times.acknowledged - pageT)} after the page` : ''}.`,
    `- Scoped: ${scope ? `${at(scope.t)} — ${scope.what}` : 'not recorded'}.`,
    `- Declared: ${declared ? `${declared.severity} at ${at(declared.t)}` : 'no severity declared'}.`,
    `- First status update: ${firstStatus ? at(firstStatus.t) : 'none posted'}.`,
    ...(m.levers.length
      ? m.levers.map(
          (l) =>
            `- Mitigated: \`${l.lever}\` by the ${role(l.role)} at ${at(l.t)} — ${l.summary || labelText(l.args)}.`,
        )
      : ['- Mitigated: no lever pulled.']),
    `- Impact reduction: ${reduce ? `${reduce.measured} (${reduce.why})` : 'not measured'}.`,
    `- Recovered: ${at(times.recovered)}.`,
    `- Resolved: ${at(times.resolved)}${hold ? ` — recovery hold: ${hold.measured}` : ''}.`,
  );

  // What went well / to improve
  const applicable = s.items.filter((i) => i.pass !== null);
  const well = applicable.filter((i) => i.pass);
  const improve = applicable.filter((i) => !i.pass);
  p(
    '## What went well',
    ...(well.length
      ? well.map((i) => `- ${i.name}: ${i.measured} (target: ${i.target}).`)
      : ['- Nothing met its target.']),
  );
  p(
    '## What to improve',
    ...(improve.length
      ? improve.map((i) => `- ${i.name}: ${i.measured}, target ${i.target} — ${i.why}.`)
      : ['- Every applicable scorecard item met its target.']),
  );

  // Action items
  const pairs = matchFollowUps(m.levers, m.followUps);
  const claimed = new Set(pairs.flatMap((x) => (x.followUp ? [x.followUp] : [])));
  const items: string[] = [];
  for (const { lever, followUp } of pairs) {
    if (followUp)
      items.push(
        `- [ ] ${followUp.title}${followUp.due ? ` (due ${followUp.due})` : ''} — owner: ${role(followUp.role)}; follow-up for the \`${lever.lever}\` mitigation at ${clock(lever.t, tz)} (undo: ${leverCallText(lever.undo)}).`,
      );
    else
      items.push(
        `- [ ] Follow up the \`${lever.lever}\` mitigation at ${clock(lever.t, tz)} (${labelText(lever.args)}): find and fix the root cause, then reverse it (undo: ${leverCallText(lever.undo)}) — owner: Incident Commander. *Added by the report: no follow-up was filed during the incident.*`,
      );
  }
  for (const f of m.followUps.filter((f) => !claimed.has(f)))
    items.push(`- [ ] ${f.title}${f.due ? ` (due ${f.due})` : ''} — owner: ${role(f.role)}.`);
  for (const i of improve)
    items.push(`- [ ] Process: ${i.name.toLowerCase()} — ${i.why} (runbook, tooling or drills, not people).`);
  const incident = ['SEV1', 'SEV2', 'SEV3'].includes(s.severity.truth);
  if (incident && !m.actions.some((a) => a.kind === 'review'))
    items.push('- [ ] Schedule this review within 5 business days of resolving.');
  p('## Action items', ...(items.length ? items : ['- None.']));

  // Severity
  const note = severityNote(m);
  p(
    '## Severity',
    `The severity is the grid's call, not the team's: **${s.severity.truth}**. ${s.severity.reasons.length ? `Why: ${s.severity.reasons.join('; ')}.` : ''} The team declared ${s.severity.declared ?? 'nothing'} (${s.severity.comparison}).`,
    ...(note ? ['', `> ${note}`] : []),
  );
  return `${out.join('\n').trimEnd()}\n`;
}
