/**
 * The label dimensions of the model as small integer indices (CDN, POP, ISP, channel, variant,
 * device class, rendition, object kind), so per-session state fits typed arrays and the fault model
 * can precompute one row per request context.
 */
import type { Topology } from '../origin-stub/topology.ts';
import type { ChannelLadder } from './media.ts';

export const KIND_MANIFEST = 0;
export const KIND_SEGMENT = 1;
export const KIND_INIT = 2;
export const KINDS = ['manifest', 'segment', 'init'] as const;
export const VARIANTS = ['clear', 'enc'] as const;

export class Dims {
  readonly cdns: string[];
  readonly regions: string[];
  /** Every POP of every region, in topology order. */
  readonly pops: string[];
  readonly popRegion: Int32Array;
  /** POP indices per region. */
  readonly regionPops: number[][];
  /** Every ISP of every region. */
  readonly isps: string[];
  readonly ispRegion: Int32Array;
  readonly channels: string[];
  readonly ladders: ChannelLadder[];
  readonly devices: string[];
  /** DRM label per device. */
  readonly drm: string[];
  /** Distinct DRM labels, and each device's index among them. */
  readonly drmLabels: string[];
  readonly deviceDrm: Int32Array;
  /** Most renditions of any channel. */
  readonly rungs: number;
  readonly routes: number;
  // Strides of route(): each dimension's step in the route index.
  private readonly sCdn: number;
  private readonly sPop: number;
  private readonly sIsp: number;
  private readonly sChannel: number;
  private readonly sVariant: number;
  private readonly sDevice: number;

  constructor(topology: Topology, ladders: ChannelLadder[]) {
    this.cdns = [...topology.cdns];
    this.regions = Object.keys(topology.regions);
    this.pops = [];
    this.isps = [];
    const popRegion: number[] = [];
    const ispRegion: number[] = [];
    this.regionPops = [];
    for (const [ri, region] of this.regions.entries()) {
      const r = topology.regions[region]!;
      this.regionPops.push(r.pops.map((_, k) => this.pops.length + k));
      for (const p of r.pops) {
        this.pops.push(p);
        popRegion.push(ri);
      }
      for (const i of r.isps) {
        this.isps.push(i);
        ispRegion.push(ri);
      }
    }
    this.popRegion = Int32Array.from(popRegion);
    this.ispRegion = Int32Array.from(ispRegion);
    this.ladders = ladders;
    this.channels = ladders.map((l) => l.channel);
    this.devices = Object.keys(topology.deviceClasses);
    this.drm = this.devices.map((d) => topology.deviceClasses[d]!.drm);
    this.drmLabels = [...new Set(this.drm)];
    this.deviceDrm = Int32Array.from(this.drm.map((d) => this.drmLabels.indexOf(d)));
    this.rungs = Math.max(...ladders.map((l) => l.video.length));
    this.routes =
      this.cdns.length *
      this.pops.length *
      this.isps.length *
      this.channels.length *
      VARIANTS.length *
      this.devices.length *
      this.rungs *
      KINDS.length;
    this.sDevice = this.rungs * 3;
    this.sVariant = this.devices.length * this.sDevice;
    this.sChannel = 2 * this.sVariant;
    this.sIsp = this.channels.length * this.sChannel;
    this.sPop = this.isps.length * this.sIsp;
    this.sCdn = this.pops.length * this.sPop;
  }

  /** Index of one request context: where it goes, what it asks for, for whom. */
  route(
    cdn: number,
    pop: number,
    isp: number,
    channel: number,
    variant: number,
    device: number,
    rung: number,
    kind: number,
  ): number {
    // The same index as the nested form (((cdn x pops + pop) x isps + isp) x ...) x 3 + kind.
    return (
      cdn * this.sCdn +
      pop * this.sPop +
      isp * this.sIsp +
      channel * this.sChannel +
      variant * this.sVariant +
      device * this.sDevice +
      rung * 3 +
      kind
    );
  }
}
