// The log on stdout is buffered (issue 19), and nothing buffered may be lost when the process
// ends: not at process.exit(), and not when it crashes (an uncaught exception or an
// unhandled rejection emits no 'exit' event, so pino's own flush on exit does not run);
// while the process runs, a line reaches stdout within FLUSH_INTERVAL_MS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FLUSH_INTERVAL_MS } from '../../../runtime/observe/logger.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/log-then-stop.ts', import.meta.url));

/** Runs the fixture; resolves with the test lines it printed once they are all there or it has exited. */
function run(how: string): Promise<{ lines: number; exitCode: number | null; stderr: string; killedAfterMs?: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, how], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    const count = () => out.split('\n').filter((l) => l.includes('"event":"test-line"')).length;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (how === 'linger' && count() === 5) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (exitCode) => resolve({ lines: count(), exitCode, stderr }));
  });
}

test('every buffered line is written when the process crashes (uncaught exception, unhandled rejection) or calls process.exit()', { timeout: 30_000 }, async () => {
  const ways = ['throw', 'reject', 'exit'];
  const results = await Promise.all(ways.map((how) => run(how)));
  for (const [i, result] of results.entries()) {
    assert.equal(result.lines, 5, `${ways[i]}: lines on stdout (stderr: ${result.stderr})`);
    // the crash itself is unchanged: reported on stderr, exit status non-zero
    assert.notEqual(result.exitCode, 0, ways[i]);
    if (ways[i] !== 'exit') assert.match(result.stderr, /on purpose/, ways[i]);
  }
});

test(`a running process's lines reach stdout without waiting for its exit (within ${FLUSH_INTERVAL_MS} ms)`, { timeout: 30_000 }, async () => {
  // the fixture lingers for 10 s; the lines must come long before that (the test kills it on seeing them)
  const started = Date.now();
  const result = await run('linger');
  assert.equal(result.lines, 5);
  assert.ok(Date.now() - started < 9000, 'the lines arrived while the process was still running');
});

test('a line logged while the pipe is full reaches stdout once the reader catches up, without a later line to push it', { timeout: 30_000 }, async () => {
  // The long line fills the pipe while this side does not read, so the child's write is
  // still in progress when its warning comes and when its flush timer fires: a flush then
  // does nothing, and the warning must still be written once the pipe drains (it waited for
  // the next line, which a quiet server may never log: a worker's refusal went missing this
  // way from `serve --workers`, whose workers write to a pipe the primary reads).
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, 'burst'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    child.stdout.pause();
    // the child says when it has logged the warning; its flush timer then fires a few times
    // (every FLUSH_INTERVAL_MS) while the long line's write is still waiting for this side
    await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => { if (d.toString().includes('warned')) resolve(); }));
    await new Promise((resolve) => setTimeout(resolve, 3 * FLUSH_INTERVAL_MS));
    let out = '';
    const arrived = new Promise<number>((resolve) => {
      const resumed = Date.now();
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"event":"after-burst"')) resolve(Date.now() - resumed);
      });
    });
    child.stdout.resume();
    const waited = await Promise.race([arrived, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 8000))]);
    assert.ok(waited !== undefined, `the warning never came while the process ran; the long line seen: ${out.includes('"event":"burst-line"')}`);
    assert.equal(out.split('\n').filter((l) => l.includes('"event":"burst-line"')).length, 1, 'the long line, whole');
  } finally {
    child.kill('SIGKILL');
  }
});
