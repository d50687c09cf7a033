/**
 * `streamdrill stack ...`: start the stub streaming stack, and drive its control API from a shell
 * (faults, mitigations, deploys, flags, state).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { isLoopback } from '../../core/http-guard.ts';
import { unwatch, watch } from '../../core/watchdog.ts';
import { FAULTS, faultModule, paramNames } from '../../faults/index.ts';
import { Stack } from '../../origin-stub/stack.ts';
import { ensurePageBuilt } from '../../player-harness/build.ts';
import { PLAYERS, playerComponent } from '../../players/registry.ts';
import { clean } from '../clean.ts';
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

/** Every fault type `fault add` takes, with its parameters and one line on what it does (from faults/index.ts). */
export function faultTypesHelp(): string {
  const section = (layer: 'http' | 'tcp', title: string) => [
    title,
    ...FAULTS.filter((m) => m.layer === layer).map((m) => {
      const params = paramNames(m.type);
      return `  ${m.type.padEnd(24)} ${m.description}${params.length > 0 ? ` [${params.join(', ')}]` : ''}`;
    }),
  ];
  return [
    '',
    ...section('http', 'HTTP faults (--match on request labels):'),
    '',
    ...section('tcp', 'TCP faults (--match on link labels):'),
    '',
    'Deploys and flags: `streamdrill stack deploy`, `streamdrill stack flag`.',
  ].join('\n');
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
    .option(
      '--token <token>',
      'token the control API requires (generated when --host is not loopback; send it as Authorization: Bearer)',
    )
    .action(async (flags: { portBase?: number; host: string; seed: string; token?: string }) => {
      // The one player page, served by the entry point for the playback URLs below.
      const playerPage = await ensurePageBuilt({ log: (line) => process.stderr.write(`${line}\n`) });
      const s = await Stack.start({
        host: flags.host,
        seed: flags.seed,
        portBase: flags.portBase,
        ...(flags.token ? { controlToken: flags.token } : {}),
        playerPage,
      });
      mkdirSync(STATE_DIR, { recursive: true });
      writeFileSync(
        STACK_FILE,
        `${JSON.stringify({ control: s.urls.control, token: s.controlToken ?? null, pid: process.pid }, null, 2)}\n`,
        { mode: 0o600 },
      );
      const stateFile = join(process.cwd(), STACK_FILE);
      watch(`file:${stateFile}`, [{ kind: 'remove', path: stateFile }]);
      process.stdout.write(describeStack(s));
      if (s.controlToken && !isLoopback(flags.host))
        process.stdout.write(
          `\nthe stack listens on ${flags.host}: its media servers answer anyone who reaches them, and its control\n` +
            `API (faults, levers, deploys) answers only with the token: Authorization: Bearer ${s.controlToken}\n` +
            `(saved in ${STACK_FILE}; 'streamdrill stack ...' commands here send it, elsewhere set STREAMDRILL_CONTROL_TOKEN)\n`,
        );
      const signal = await waitForShutdownSignal();
      process.stdout.write(`\n${signal}: stopping the stack...\n`);
      await s.close();
      rmSync(STACK_FILE, { force: true });
      unwatch(`file:${stateFile}`);
      process.stdout.write('stack stopped; every server, proxy and fault removed\n');
    });

  stack
    .command('clean')
    .description(
      'Remove what killed streamdrill processes left behind: state files, browsers and their profiles, and (with --toxiproxy) their proxies on a shared Toxiproxy',
    )
    .option('--toxiproxy <url>', 'a shared Toxiproxy to clean (default: TOXIPROXY_URL, if set)')
    .option(
      '--all',
      'on that Toxiproxy, remove every proxy any streamdrill made, not only those of dead processes here',
    )
    .action(async (flags: { toxiproxy?: string; all?: boolean }) => {
      const url = flags.toxiproxy ?? process.env.TOXIPROXY_URL;
      const r = await clean({ ...(url ? { toxiproxy: url } : {}), all: flags.all === true });
      const lines = [
        ...r.stateFiles.map((f) => `removed state file ${f}`),
        ...r.browsers.map((b) => `removed browser profile ${b} (and any browser on it)`),
        ...r.proxies.map((p) => `removed proxy ${p} from ${url}`),
      ];
      process.stdout.write(lines.length ? `${lines.join('\n')}\n` : 'nothing left behind\n');
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
    .description('Add a fault (the types and their parameters are listed below)')
    .addHelpText('after', faultTypesHelp)
    .option(
      '--match <k=v,...>',
      'labels to match: component, cdn, pop, region, isp, channel, variant, kind, rendition, drm, deviceClass (HTTP); link, cdn, pop, region, isp, origin, name (TCP); a|b for either',
      parseMatch,
      {},
    )
    .option(
      '--set <k=v>',
      'a parameter (repeatable): the type’s parameters listed below (TCP: its attributes, stream, toxicity)',
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
        const m = faultModule(type);
        if (!m || m.layer === 'change') {
          throw new UsageError(
            m
              ? `${type} is not added as a fault: use \`streamdrill stack ${type}\``
              : `unknown fault type '${type}' (types: ${FAULTS.filter((f) => f.layer !== 'change')
                  .map((f) => f.type)
                  .join(', ')})`,
          );
        }
        if (m.layer === 'tcp') {
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
