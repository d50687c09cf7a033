/**
 * `streamdrill stack ...`: start the stub streaming stack, and drive its control API from a shell
 * (faults, mitigations, deploys, flags, state).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { TCP_FAULT_TYPES } from '../../faults/tcp.ts';
import { Stack } from '../../origin-stub/stack.ts';
import { ensurePageBuilt } from '../../player-harness/build.ts';
import { PLAYERS, playerComponent } from '../../players/registry.ts';
import { HTTP_FAULT_TYPES } from '../../scenarios/schema.ts';
import { callControl, controlUrl, STACK_FILE, STATE_DIR } from '../control-client.ts';
import { InputError, UsageError } from '../errors.ts';
import { waitForShutdownSignal } from '../lifecycle.ts';
import { parseHost, parsePort } from '../options.ts';

/** `k=v,k2=a|b` → {k: 'v', k2: ['a','b']} */
function parseMatch(
  value: string,
  previous: Record<string, string | string[]> = {},
): Record<string, string | string[]> {
  const out = { ...previous };
  for (const part of value.split(',').filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 1)
      throw new InvalidArgumentError(
        `expected key=value (e.g. cdn=cdn-a,pop=fra), got ${JSON.stringify(part)}`,
      );
    const v = part.slice(eq + 1);
    out[part.slice(0, eq)] = v.includes('|') ? v.split('|') : v;
  }
  return out;
}

/** `--set key=value`, numbers parsed as numbers. */
function parseSet(
  value: string,
  previous: Record<string, string | number> = {},
): Record<string, string | number> {
  const eq = value.indexOf('=');
  if (eq < 1)
    throw new InvalidArgumentError(`expected key=value (e.g. status=503), got ${JSON.stringify(value)}`);
  const raw = value.slice(eq + 1);
  return { ...previous, [value.slice(0, eq)]: raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw };
}

const print = (data: unknown): void => {
  process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
};

export function registerStack(program: Command): void {
  const stack = program
    .command('stack')
    .description('Run the stub streaming stack and drive its faults and mitigations');
  const control = () =>
    new Option('--control <url>', 'control API of a running stack (default: from .streamdrill/stack.json)');

  stack
    .command('up')
    .description(
      'Start the whole stack (origin + backup, licence, steering, entry point, CDNs, fault proxies) until Ctrl-C',
    )
    .option('--port-base <port>', 'listen on fixed ports from here upwards (default: free ports)', parsePort)
    .option('--host <host>', 'address every server binds', parseHost, '127.0.0.1')
    .option('--seed <seed>', 'seed for fault shares and jitter', 'streamdrill')
    .action(async (flags: { portBase?: number; host: string; seed: string }) => {
      // The one player page, served by the entry point for the playback URLs below.
      const playerPage = await ensurePageBuilt({ log: (line) => process.stderr.write(`${line}\n`) });
      const s = await Stack.start({
        host: flags.host,
        seed: flags.seed,
        portBase: flags.portBase,
        playerPage,
      });
      mkdirSync(STATE_DIR, { recursive: true });
      writeFileSync(
        STACK_FILE,
        `${JSON.stringify({ control: s.urls.control, pid: process.pid }, null, 2)}\n`,
      );
      process.stdout.write(describeStack(s));
      const signal = await waitForShutdownSignal();
      process.stdout.write(`\n${signal}: stopping the stack...\n`);
      await s.close();
      rmSync(STACK_FILE, { force: true });
      process.stdout.write('stack stopped; every server, proxy and fault removed\n');
    });

  stack
    .command('state')
    .description("Print the stack's state as JSON (faults, levers, deploys, flags, links, dashboards' data)")
    .addOption(control())
    .action(async (flags: { control?: string }) =>
      print(await callControl(controlUrl(flags.control), 'GET', '/state')),
    );

  const fault = stack
    .command('fault')
    .description('Inject, list and remove faults (HTTP faults and TCP toxics on links)');
  fault
    .command('add <type>')
    .description(
      `Add a fault. HTTP: ${HTTP_FAULT_TYPES.join(', ')}. TCP (on links): ${TCP_FAULT_TYPES.join(', ')}`,
    )
    .option(
      '--match <k=v,...>',
      'labels to match: component, cdn, pop, region, isp, channel, variant, kind, rendition, drm, deviceClass (HTTP); link, cdn, pop, region, isp, origin, name (TCP); a|b for either',
      parseMatch,
      {},
    )
    .option(
      '--set <k=v>',
      'a parameter (repeatable): status, share, delayMs, every, length, msPerMinute, value (HTTP); stream, toxicity and toxic attributes such as latency, jitter, rate, timeout (TCP)',
      parseSet,
      {},
    )
    .option('--id <id>', 'an id of your choosing')
    .addOption(control())
    .action(
      async (
        type: string,
        flags: {
          match: Record<string, string | string[]>;
          set: Record<string, string | number>;
          id?: string;
          control?: string;
        },
      ) => {
        const base = controlUrl(flags.control);
        if ((TCP_FAULT_TYPES as readonly string[]).includes(type)) {
          const { stream, toxicity, ...attributes } = flags.set;
          const body: Record<string, unknown> = { type, match: flags.match, attributes };
          if (stream !== undefined) body.stream = stream;
          if (toxicity !== undefined) body.toxicity = toxicity;
          if (flags.id) body.id = flags.id;
          print(await callControl(base, 'POST', '/faults/tcp', body));
        } else {
          print(
            await callControl(base, 'POST', '/faults/http', {
              type,
              match: flags.match,
              ...flags.set,
              ...(flags.id ? { id: flags.id } : {}),
            }),
          );
        }
      },
    );
  fault
    .command('list')
    .description('List the faults in force')
    .addOption(control())
    .action(async (flags: { control?: string }) =>
      print(await callControl(controlUrl(flags.control), 'GET', '/faults')),
    );
  fault
    .command('rm <id>')
    .description('Remove one fault by id')
    .addOption(control())
    .action(async (id: string, flags: { control?: string }) => {
      const base = controlUrl(flags.control);
      const all = (await callControl(base, 'GET', '/faults')) as {
        http: { id: string }[];
        tcp: { id: string }[];
      };
      const layer = all.http.some((f) => f.id === id)
        ? 'http'
        : all.tcp.some((f) => f.id === id)
          ? 'tcp'
          : undefined;
      if (!layer) throw new InputError(`no fault with id ${id}`);
      print(await callControl(base, 'DELETE', `/faults/${layer}/${encodeURIComponent(id)}`));
    });
  fault
    .command('clear')
    .description('Remove every fault')
    .addOption(control())
    .action(async (flags: { control?: string }) =>
      print(await callControl(controlUrl(flags.control), 'DELETE', '/faults')),
    );

  stack
    .command('mitigate <lever>')
    .description(
      'Pull a mitigation lever: steer (--region --cdn), rollback (--component), failover [--to backup|primary], disable-flag (--flag)',
    )
    .option('--region <region>')
    .option('--cdn <cdn>')
    .option('--component <component>')
    .option('--to <origin>')
    .option('--flag <flag>')
    .addOption(control())
    .action(async (lever: string, flags: Record<string, string | undefined>) => {
      const { control: c, ...args } = flags;
      const body = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
      print(await callControl(controlUrl(c), 'POST', `/levers/${encodeURIComponent(lever)}`, body));
    });

  stack
    .command('deploy <component> <version>')
    .description(
      `Record a deploy (encoder, packager, ${PLAYERS.map((p) => playerComponent(p.id)).join(', ')}); known-bad versions bring their defect`,
    )
    .addOption(control())
    .action(async (component: string, version: string, flags: { control?: string }) =>
      print(await callControl(controlUrl(flags.control), 'POST', '/deploys', { component, version })),
    );

  stack
    .command('flag <flag> <state>')
    .description('Turn a feature flag on or off (ad-pod), optionally breaking it for device classes')
    .option('--broken-for <classes>', 'device classes the ad creative breaks on, comma-separated')
    .addOption(control())
    .action(async (flag: string, state: string, flags: { brokenFor?: string; control?: string }) => {
      if (state !== 'on' && state !== 'off')
        throw new UsageError(`state must be on or off, got ${JSON.stringify(state)}`);
      const body: Record<string, unknown> = { enabled: state === 'on' };
      if (flags.brokenFor) body.brokenFor = flags.brokenFor.split(',');
      print(await callControl(controlUrl(flags.control), 'POST', `/flags/${encodeURIComponent(flag)}`, body));
    });
}

/** The endpoints table and one playback URL per player and channel. */
export function describeStack(s: Stack): string {
  const rows: [string, string][] = [
    [
      'control API',
      `${s.urls.control}  (GET /state, /metrics; POST /faults/http, /faults/tcp, /levers/:lever)`,
    ],
    ['entry point', `${s.linkUrl('viewer.entry')}  (via link viewer.entry; direct ${s.urls.entry})`],
    ['steering', s.linkUrl('viewer.steering')],
    ['licence', s.linkUrl('viewer.licence')],
    ['origin', `${s.urls.origin}  (backup ${s.urls.backupOrigin})`],
    ['fault proxy', `${s.faultProxy.url}  (${s.links.size} links, Toxiproxy API)`],
  ];
  for (const pop of s.pops.filter((p) => p.tier === 'edge')) {
    const isps = [...pop.ports.keys()].map(
      (isp) => `${isp} ${s.linkUrl(`viewer.${pop.cdn}.${pop.name}.${isp}`)}`,
    );
    rows.push([`${pop.cdn}/${pop.name} (${pop.region})`, isps.join(', ')]);
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  const lines = [
    'streamdrill stack is up',
    '',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
    'Play it (open in a browser):',
  ];
  const region = Object.keys(s.topology.regions)[0]!;
  const isp = s.topology.regions[region]!.isps[0]!;
  const devices = Object.keys(s.topology.deviceClasses);
  const idWidth = Math.max(...PLAYERS.map((p) => p.id.length));
  for (const ch of s.entry.channels()) {
    // Every player of the registry, clear and encrypted in turn, on the device classes in turn.
    PLAYERS.forEach(({ id: player }, k) => {
      const variant = k % 2 === 0 ? 'clear' : 'enc';
      const q = new URLSearchParams({
        player,
        channel: ch.name,
        variant,
        region,
        isp,
        device: devices[k % devices.length]!,
        sid: `${player}-${ch.name}`,
      });
      lines.push(
        `  ${player.padEnd(idWidth)} ${ch.name.padEnd(6)} ${variant.padEnd(5)} ${s.linkUrl('viewer.entry')}/player?${q}`,
      );
    });
  }
  lines.push(
    '',
    "Drive it from another shell: 'streamdrill stack fault add ...', 'streamdrill stack mitigate ...'. Ctrl-C stops everything.",
    '',
  );
  return lines.join('\n');
}
