/**
 * Where a TCP fault lives, from the links it selected. A viewer–edge link is two parties' network:
 * the ISP's last mile and the CDN's edge. A fault on one ISP's links to every CDN is the ISP's; one
 * on a CDN POP's links from every ISP is the CDN's; one ISP to one CDN (a peering point) is both.
 * Likewise a shield–origin link: across every CDN it is the origin's, across both origins the
 * CDN's. Edge–shield links are inside the CDN; the viewer links to the licence server, steering
 * and the entry point are those services'.
 */
import type { FaultLink, FaultLocation, FaultTargets } from '../fault.ts';

const distinct = (links: FaultLink[], key: string) => [...new Set(links.map((l) => l.labels[key]!))];

/**
 * True when, for every group of selected links (same values of `group`), the selected links span
 * every value of `span` the stack has in that group.
 */
function spans(selected: FaultLink[], all: FaultLink[], group: string[], span: string): boolean {
  const key = (l: FaultLink) => group.map((g) => l.labels[g]).join('|');
  const have = new Map<string, Set<string>>();
  for (const l of selected) {
    const s = have.get(key(l)) ?? new Set<string>();
    s.add(l.labels[span]!);
    have.set(key(l), s);
  }
  for (const l of all) {
    const s = have.get(key(l));
    if (s && !s.has(l.labels[span]!)) return false;
  }
  return true;
}

export function locateTcp(linkNames: readonly string[], targets: FaultTargets): FaultLocation[] {
  const byName = new Map(targets.links.map((l) => [l.name, l]));
  const selected = linkNames.map((n) => byName.get(n)).filter((l): l is FaultLink => l !== undefined);
  const ofType = (t: string) => ({
    sel: selected.filter((l) => l.labels.link === t),
    all: targets.links.filter((l) => l.labels.link === t),
  });
  const out: FaultLocation[] = [];
  const cdnLoc = (links: FaultLink[], component: string, extra: Partial<FaultLocation>): FaultLocation => {
    const cdn = distinct(links, 'cdn');
    return { party: 'cdn', component, cdn, ...extra, owners: cdn.map((c) => `vendor:${c}`) };
  };

  const ve = ofType('viewer-edge');
  if (ve.sel.length > 0) {
    const everyCdn = spans(ve.sel, ve.all, ['isp'], 'cdn') && spans(ve.sel, ve.all, ['isp', 'cdn'], 'pop');
    const everyIsp = spans(ve.sel, ve.all, ['cdn', 'pop'], 'isp');
    if (everyCdn || !everyIsp) {
      const isp = distinct(ve.sel, 'isp');
      out.push({
        party: 'isp',
        component: 'last-mile',
        isp,
        region: distinct(ve.sel, 'region'),
        ...(everyCdn ? {} : { cdn: distinct(ve.sel, 'cdn') }),
        owners: isp.map((i) => `vendor:${i}`),
      });
    }
    if (everyIsp || !everyCdn) {
      out.push(
        cdnLoc(ve.sel, 'edge', {
          pop: distinct(ve.sel, 'pop'),
          region: distinct(ve.sel, 'region'),
          ...(everyIsp ? {} : { isp: distinct(ve.sel, 'isp') }),
        }),
      );
    }
  }
  const es = ofType('edge-shield');
  if (es.sel.length > 0) {
    out.push(
      cdnLoc(es.sel, 'edge-shield', { pop: distinct(es.sel, 'pop'), region: distinct(es.sel, 'region') }),
    );
  }
  const so = ofType('shield-origin');
  if (so.sel.length > 0) {
    const everyCdn = spans(so.sel, so.all, ['origin', 'region'], 'cdn');
    const everyOrigin = spans(so.sel, so.all, ['cdn', 'region'], 'origin');
    if (everyCdn || !everyOrigin) {
      out.push({
        party: 'origin',
        component: 'origin',
        origin: distinct(so.sel, 'origin'),
        owners: ['sme:origin'],
      });
    }
    if (everyOrigin || !everyCdn) {
      out.push(cdnLoc(so.sel, 'shield', { region: distinct(so.sel, 'region') }));
    }
  }
  const service = (link: string, loc: Omit<FaultLocation, 'owners'>) => {
    if (selected.some((l) => l.labels.link === link)) out.push({ ...loc, owners: [`sme:${loc.party}`] });
  };
  service('viewer-licence', { party: 'drm', component: 'licence' });
  service('viewer-steering', { party: 'steering', component: 'steering' });
  service('viewer-entry', { party: 'origin', component: 'entry' });
  return out;
}
