/**
 * What faults can name in a stack of this topology (`FaultTargets`, faults/fault.ts): the values
 * of every request label (CDNs, POPs and shields, regions, ISPs, channels and renditions of the
 * media, variants, DRM labels, device classes), the fault-proxy links with their labels (the same
 * names and labels `stack.ts` creates; the virtual stack models exactly these), the deployable
 * components and the feature flags. The real stack, the virtual stack and the scenario loader
 * check faults against it, so a typo is refused where it is written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultLink, FaultTargets } from '../faults/fault.ts';
import { DEPLOY_COMPONENTS } from './control/deploys.ts';
import { FEATURE_FLAGS } from './control/flags.ts';
import { mediaDescriptionSchema } from './media/description.ts';
import { DEFAULT_MEDIA_DIR } from './media/load-media.ts';
import type { Topology } from './topology.ts';

/** Channels and their rendition ids, from the media descriptions (never the segment bytes). */
const mediaCache = new Map<string, { channel: string; renditions: string[] }[]>();
export function mediaLabels(root = DEFAULT_MEDIA_DIR): { channel: string; renditions: string[] }[] {
  let hit = mediaCache.get(root);
  if (!hit) {
    hit = readdirSync(root)
      .sort()
      .flatMap((name) => {
        let raw: string;
        try {
          raw = readFileSync(join(root, name, 'media.json'), 'utf8');
        } catch {
          return [];
        }
        const d = mediaDescriptionSchema.parse(JSON.parse(raw));
        return [{ channel: d.channel, renditions: d.renditions.map((r) => r.id) }];
      });
    mediaCache.set(root, hit);
  }
  return hit;
}

/** The shield of a CDN in a region is named after the region. */
export function shieldName(region: string): string {
  return `shield-${region}`;
}

/** Every fault-proxy link of a stack of this topology, with its labels (see stack.ts createLinks). */
export function topologyLinks(t: Topology): FaultLink[] {
  const links: FaultLink[] = [];
  for (const cdn of t.cdns) {
    for (const [region, r] of Object.entries(t.regions)) {
      for (const pop of r.pops) {
        for (const isp of r.isps) {
          links.push({
            name: `viewer.${cdn}.${pop}.${isp}`,
            labels: { link: 'viewer-edge', cdn, pop, region, isp },
          });
        }
        links.push({ name: `edge.${cdn}.${pop}`, labels: { link: 'edge-shield', cdn, pop, region } });
      }
      links.push({
        name: `shield.${cdn}.${region}.origin`,
        labels: { link: 'shield-origin', cdn, region, origin: 'origin' },
      });
      links.push({
        name: `shield.${cdn}.${region}.backup`,
        labels: { link: 'shield-origin', cdn, region, origin: 'backup-origin' },
      });
    }
  }
  for (const name of ['licence', 'steering', 'entry']) {
    links.push({ name: `viewer.${name}`, labels: { link: `viewer-${name}` } });
  }
  return links;
}

export function faultTargets(t: Topology, mediaRoot = DEFAULT_MEDIA_DIR): FaultTargets {
  const media = mediaLabels(mediaRoot);
  const regions = Object.keys(t.regions);
  const uniq = (xs: string[]) => [...new Set(xs)];
  const shields = regions.map(shieldName);
  return {
    labels: {
      cdn: [...t.cdns],
      pop: uniq([...Object.values(t.regions).flatMap((r) => r.pops), ...shields]),
      region: regions,
      isp: uniq(Object.values(t.regions).flatMap((r) => r.isps)),
      channel: media.map((m) => m.channel),
      variant: ['clear', 'enc'],
      rendition: uniq(media.flatMap((m) => m.renditions)),
      drm: uniq(Object.values(t.deviceClasses).map((d) => d.drm)),
      deviceClass: Object.keys(t.deviceClasses),
    },
    shields,
    links: topologyLinks(t),
    components: [...DEPLOY_COMPONENTS],
    flags: [...FEATURE_FLAGS],
  };
}
