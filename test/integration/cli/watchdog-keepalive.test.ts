/**
 * `amtwb watchdog keepalive --interval S` as a user runs it (dist/cli.js in its own process)
 * against the simulator's emulated iAMT watchdog device: the heartbeat period is S seconds, as the
 * Linux watchdog daemon's interval option sets it, and timeout/2 without it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { fuseSuite, startFixture, type Fixture } from '../watchdog/helpers';
import { amtwb, CLI } from './run';

fuseSuite('amtwb watchdog keepalive --interval', () => {
  let f: Fixture;
  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing; run "npm run build" first`);
    f = await startFixture({ watchdog: true });
  });
  after(() => f?.close());

  it('heartbeats every --interval seconds until Ctrl-C, then disarms and exits 0', async () => {
    const child = spawn(process.execPath, [CLI, 'watchdog', 'keepalive', '--device', f.watchdog!.path, '--interval', '1']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // Three heartbeats (the arming one and two of the loop): with the default period of 60 s
      // only the first would come within the wait.
      const deadline = Date.now() + 20_000;
      while ((out.match(/^heartbeat \d+ at /gm) ?? []).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.match(out, /^Arming .* with a 120 s timeout; a heartbeat every 1 s until Ctrl-C\.$/m);
      assert.ok((out.match(/^heartbeat \d+ at /gm) ?? []).length >= 3, out);
      assert.ok(f.sim.device.watchdog.heartbeats >= 3, `the firmware saw ${f.sim.device.watchdog.heartbeats} heartbeats`);
      assert.equal(f.sim.device.watchdog.state, 'running');
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, out);
    assert.match(out, /Stopped after \d+ heartbeats; the watchdog is disarmed\./);
    assert.equal(f.sim.device.watchdog.state, 'idle');
  });

  it('an interval that is not shorter than the timeout is exit 2 saying why', async () => {
    const r = await amtwb(['watchdog', 'keepalive', '--device', f.watchdog!.path, '--timeout', '120', '--interval', '120']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'amtwb: --interval "120" is not a number of seconds from 1 to below the 120 s timeout; the heartbeat must come before the watchdog fires (default 60, half the timeout).\n');
    const zero = await amtwb(['watchdog', 'keepalive', '--device', f.watchdog!.path, '--interval', '0']);
    assert.equal(zero.code, 2);
    assert.equal(f.sim.device.watchdog.state, 'idle', 'nothing was armed');
  });
});
