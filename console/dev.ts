/**
 * The console against a fake drill, for UI work: `npx tsx console/dev.ts [--speed 10] [--begin 8]
 * [--port 5190] [--host 0.0.0.0] [--no-trainer]`. Builds the app when stale and prints the URL.
 * `--begin` is where the drill clock starts, in minutes from scenario time 0 (default -1: warm-up).
 */
import { parseArgs } from 'node:util';
import { ensureConsoleBuilt } from './build.ts';
import { FakeSession } from './fake-session.ts';
import { startConsoleServer } from './server.ts';

const { values } = parseArgs({
  options: {
    speed: { type: 'string', default: '1' },
    begin: { type: 'string', default: '-1' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'no-trainer': { type: 'boolean', default: false },
  },
});

const appDir = await ensureConsoleBuilt({ log: (line) => console.log(line) });
const session = new FakeSession({
  trainer: !values['no-trainer'],
  speed: Number(values.speed),
  beginAtMs: Number(values.begin) * 60_000,
});
const server = await startConsoleServer({ session, host: values.host, port: Number(values.port), appDir });
console.log(`console (fake drill): ${server.openUrl}`);

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
