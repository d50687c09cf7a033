/**
 * `streamdrill act <kind> ...`: the console's buttons from a terminal (or a chat bot). Each call
 * posts one action to the running console's `/api/act` — the endpoint the console itself uses —
 * so a drill driven from the CLI journals exactly the same events as one driven from the console.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { CONSOLE_FILE } from '../../console/host.ts';
import { ROLES } from '../../core/actions.ts';
import { InputError, UsageError } from '../errors.ts';

interface ActFlags {
  role?: string;
  console?: string;
  token?: string;
  region?: string;
  cdn?: string;
  pop?: string;
  isp?: string;
  device?: string;
  viewers?: number;
  due?: string;
}

/** kind → how its words become the action's fields (usage shown in --help and errors). */
const KINDS: Record<string, { usage: string; build: (w: string[], f: ActFlags) => Record<string, unknown> }> =
  {
    acknowledge: { usage: 'acknowledge [alert]', build: (w) => (w[0] ? { alert: w.join(' ') } : {}) },
    confirm: {
      usage: 'confirm <source...>',
      build: (w) => ({ source: need(w, 'the independent source checked') }),
    },
    scope: {
      usage: 'scope [--region R] [--cdn C] [--pop P] [--isp I] [--device D] [--viewers N]',
      build: (_w, f) => ({
        ...(f.region ? { region: f.region } : {}),
        ...(f.cdn ? { cdn: f.cdn } : {}),
        ...(f.pop ? { pop: f.pop } : {}),
        ...(f.isp ? { isp: f.isp } : {}),
        ...(f.device ? { device: f.device } : {}),
        ...(f.viewers !== undefined ? { viewersAffected: f.viewers } : {}),
      }),
    },
    declare: {
      usage: 'declare <SEV1|SEV2|SEV3|SEV4>',
      build: (w) => ({ severity: need(w, 'a severity').toUpperCase() }),
    },
    dashboard: { usage: 'dashboard <id>', build: (w) => ({ dashboard: need(w, 'a dashboard id') }) },
    status: {
      usage: 'status <investigating|identified|monitoring|resolved> <message...>',
      build: (w) => ({ state: w[0], message: need(w.slice(1), 'a message') }),
    },
    page: {
      usage: 'page <who>',
      build: (w) => ({ who: need(w, 'who to page (ic, manager, sme, vendor:<name>)') }),
    },
    mitigate: {
      usage:
        'mitigate <steer|rollback|failover|disable-flag> [key=value...]  e.g. mitigate steer region=emea cdn=cdn-b',
      build: (w) => {
        const [lever, ...pairs] = w;
        if (!lever)
          throw new UsageError('mitigate: expected a lever (steer, rollback, failover, disable-flag)');
        const args: Record<string, string> = {};
        for (const p of pairs) {
          const m = /^([a-z-]+)=(.+)$/.exec(p);
          if (!m) throw new UsageError(`mitigate: expected key=value, got ${JSON.stringify(p)}`);
          args[m[1]!] = m[2]!;
        }
        return { lever, args };
      },
    },
    followup: {
      usage: 'followup <title...> [--due YYYY-MM-DD]',
      build: (w, f) => ({ title: need(w, 'a title'), ...(f.due ? { due: f.due } : {}) }),
    },
    rootcause: { usage: 'rootcause <cause...>', build: (w) => ({ cause: need(w, 'the cause') }) },
    bridge: { usage: 'bridge', build: () => ({}) },
    review: { usage: 'review <when...>', build: (w) => ({ scheduledFor: need(w, 'when the review is') }) },
    assign: {
      usage: `assign <${ROLES.join('|')}> [alias]`,
      build: (w) => ({ assignee: w[0], ...(w[1] ? { alias: w.slice(1).join(' ') } : {}) }),
    },
    resolve: { usage: 'resolve', build: () => ({}) },
    note: { usage: 'note <text...>', build: (w) => ({ text: need(w, 'the note') }) },
  };

function need(words: string[], what: string): string {
  const s = words.join(' ').trim();
  if (!s) throw new UsageError(`expected ${what}`);
  return s;
}

function target(flags: ActFlags): { url: string; token: string | undefined } {
  const url = flags.console ?? process.env.STREAMDRILL_CONSOLE;
  const token = flags.token ?? process.env.STREAMDRILL_TOKEN;
  if (url) return { url: url.replace(/\/+$/, ''), token };
  if (existsSync(CONSOLE_FILE)) {
    try {
      const s = JSON.parse(readFileSync(CONSOLE_FILE, 'utf8')) as { url?: string; token?: string | null };
      if (s.url) return { url: s.url, token: token ?? s.token ?? undefined };
    } catch {
      throw new InputError(`${CONSOLE_FILE}: unreadable; pass --console URL`);
    }
  }
  throw new InputError(
    "no running console found: start one with 'streamdrill drill' or 'streamdrill replay', or pass --console URL",
  );
}

export function registerAct(program: Command): void {
  program
    .command('act <kind> [words...]')
    .description('Take an incident action on the running drill, exactly as its console button does')
    .option('--role <role>', `who acts: ${ROLES.join(', ')} (default: STREAMDRILL_ROLE)`)
    .option('--console <url>', 'console URL (default: STREAMDRILL_CONSOLE or .streamdrill/console.json)')
    .option(
      '--token <token>',
      'console token when it is exposed beyond loopback (default: STREAMDRILL_TOKEN)',
    )
    .option('--region <region>', 'scope: region')
    .option('--cdn <cdn>', 'scope: CDN')
    .option('--pop <pop>', 'scope: POP')
    .option('--isp <isp>', 'scope: ISP')
    .option('--device <device>', 'scope: device class')
    .option('--viewers <n>', 'scope: viewers affected', (v) => {
      if (!/^\d+$/.test(v))
        throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(v)}`);
      return Number(v);
    })
    .option('--due <date>', 'follow-up: due date')
    .addHelpText(
      'after',
      `\nKinds:\n${Object.values(KINDS)
        .map((k) => `  ${k.usage}`)
        .join('\n')}\n`,
    )
    .action(async (kind: string, words: string[], flags: ActFlags) => {
      const spec = KINDS[kind];
      if (!spec)
        throw new UsageError(
          `unknown action ${JSON.stringify(kind)}: expected one of ${Object.keys(KINDS).join(', ')}`,
        );
      const role = flags.role ?? process.env.STREAMDRILL_ROLE;
      if (!role) throw new UsageError(`--role is required: one of ${ROLES.join(', ')}`);
      if (!(ROLES as readonly string[]).includes(role))
        throw new UsageError(`--role: expected one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`);
      const body = { kind, role, ...spec.build(words, flags) };
      const { url, token } = target(flags);
      let res: Response;
      try {
        res = await fetch(`${url}/api/act`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
      } catch (err) {
        throw new InputError(
          `cannot reach the console at ${url} (${(err as Error).cause ?? (err as Error).message})`,
        );
      }
      const answer = (await res.json().catch(() => ({}))) as { error?: string; t?: number };
      if (!res.ok) throw new InputError(`${kind} refused: ${answer.error ?? `HTTP ${res.status}`}`);
      process.stdout.write(
        `${kind} taken by ${role} at ${new Date(answer.t ?? Date.now()).toISOString().slice(11, 19)}\n`,
      );
    });
}
