/**
 * The stack's control API: one place to see all state and to inject and remove every fault and
 * pull every lever. Bad input gets a 400 naming the field and what was expected.
 *
 *   GET    /state                      everything (faults, levers, deploys, flags, links, dashboards' data)
 *   GET    /metrics                    Prometheus exposition
 *   GET    /faults                     HTTP and TCP faults in force
 *   POST   /faults/http                add an HTTP fault       DELETE /faults/http/:id
 *   POST   /faults/tcp                 add a TCP fault on the links its match selects   DELETE /faults/tcp/:id
 *   DELETE /faults                     remove every fault (HTTP and TCP)
 *   GET    /levers                     lever history           POST /levers/:lever  {region, cdn | component | to | flag}
 *   GET    /deploys                    versions and log        POST /deploys {component, version}
 *   POST   /flags/:flag                {enabled, brokenFor?}
 *   GET    /links                      every fault-proxy link with its labels
 *   GET    /monitor/manifests          the manifest monitor's latest checks
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { zodIssuesLine } from '../../core/zod-message.ts';
import { FaultInputError } from '../../faults/registry.ts';
import type { ManifestMonitor } from '../observability/manifest-monitor.ts';
import type { StackObserver } from '../observability/state.ts';
import type { StackParts } from '../parts.ts';
import type { TcpFaults } from './tcp-faults.ts';

export interface ControlDeps {
  stack: StackParts;
  tcp: TcpFaults;
  observer: StackObserver;
  monitor: ManifestMonitor;
  metrics: Registry;
}

const DeployBody = z.strictObject({ component: z.string().min(1), version: z.string().min(1) });
const FlagBody = z.strictObject({ enabled: z.boolean(), brokenFor: z.array(z.string().min(1)).optional() });
const LeverBody = z.record(z.string(), z.string()).default({});

function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body ?? undefined);
  if (r.success) return r.data;
  const detail = zodIssuesLine(r.error, '(body)');
  throw Object.assign(new Error(`invalid ${what}: ${detail}`), { statusCode: 400 });
}

export function controlApi(deps: ControlDeps) {
  const { stack, tcp, observer, monitor, metrics } = deps;
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler((err: FastifyError | Error, _req, reply) => {
      const status =
        err instanceof FaultInputError
          ? 400
          : typeof (err as FastifyError).statusCode === 'number'
            ? (err as FastifyError).statusCode!
            : 500;
      const body: Record<string, unknown> = { error: err.message, status };
      if (err instanceof FaultInputError) body.issues = err.issues;
      return reply.code(status).send(body);
    });
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send({ error: `no route ${req.method} ${req.url}`, status: 404 }),
    );

    app.get('/state', async () => observer.state());
    app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));

    app.get('/faults', async () => ({ http: stack.faults.list(), tcp: tcp.list() }));
    app.post('/faults/http', async (req, reply) => reply.code(201).send(stack.faults.add(req.body ?? {})));
    app.delete<{ Params: { id: string } }>('/faults/http/:id', async (req, reply) => {
      const f = stack.faults.remove(req.params.id);
      if (!f) return reply.code(404).send({ error: `no HTTP fault ${req.params.id}`, status: 404 });
      return f;
    });
    app.post('/faults/tcp', async (req, reply) => reply.code(201).send(await tcp.add(req.body ?? {})));
    app.delete<{ Params: { id: string } }>('/faults/tcp/:id', async (req, reply) => {
      const f = await tcp.remove(req.params.id);
      if (!f) return reply.code(404).send({ error: `no TCP fault ${req.params.id}`, status: 404 });
      return f;
    });
    app.delete('/faults', async () => {
      const http = stack.faults.list().filter((f) => !f.id.startsWith('deploy:'));
      for (const f of http) stack.faults.remove(f.id);
      return { removed: { http, tcp: await tcp.clear() } };
    });

    app.get('/levers', async () => stack.levers.history());
    app.post<{ Params: { lever: string } }>('/levers/:lever', async (req, reply) =>
      reply
        .code(201)
        .send(stack.levers.pull(req.params.lever, parseBody(LeverBody, req.body, 'lever arguments'))),
    );

    app.get('/deploys', async () => ({ versions: stack.deploys.versions(), log: stack.deploys.log() }));
    app.post('/deploys', async (req, reply) => {
      const b = parseBody(DeployBody, req.body, 'deploy');
      return reply.code(201).send(stack.deploys.deploy(b.component, b.version));
    });
    app.post<{ Params: { flag: string } }>('/flags/:flag', async (req) => {
      const b = parseBody(FlagBody, req.body, 'flag change');
      return stack.flags.set(req.params.flag, b.enabled, b.brokenFor ? { brokenFor: b.brokenFor } : {});
    });

    app.get('/links', async () => [...stack.links.values()]);
    app.get('/monitor/manifests', async () => monitor.latest());
  };
}
