/**
 * `promtool check metrics` on an exposition text, for the tests that hold every `/metrics` in the
 * project to Prometheus's own linter (names, units, suffixes, histogram shape).
 */
import { spawn } from 'node:child_process';
import { findPromtool } from '../../prometheus/promtool.ts';

/** promtool's complaints about the text ('' when it passes), with its exit code. */
export async function promtoolCheckMetrics(text: string): Promise<{ code: number; problems: string }> {
  const promtool = await findPromtool();
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, problems: out.trim() }));
    child.stdin.end(text);
  });
}
