/**
 * The `amtwb watchdog|log|events|agent` command modules as cli.ts runs them: arguments in, text
 * out, Ctrl-C as an abort signal, the device connection from the caller (here: the simulator).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAgentCli } from '../../../server/src/cli/agent';
import { runEventsCli } from '../../../server/src/cli/events';
import type { CliIo } from '../../../server/src/cli/feature-commands';
import { runLogCli } from '../../../server/src/cli/log';
import { runWatchdogCli } from '../../../server/src/cli/watchdog';
import { AmtError } from '../../../server/src/errors';
import { eventually, fuseSuite, startFixture, type Fixture } from './helpers';

function harness(f: Fixture) {
  const out: string[] = [];
  const err: string[] = [];
  const stop = new AbortController();
  const io: CliIo = {
    out: async (t) => void out.push(t),
    err: async (t) => void err.push(t),
    connect: async () => f.client,
    target: 'sim',
    signal: stop.signal,
  };
  return { io, out, err, stop };
}

const usage = (re: RegExp) => (e: unknown) => e instanceof AmtError && e.code === 'usage' && re.test(e.message);

describe('amtwb log, events, agent', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.close());

  it('log prints a header and one decoded line per record; --json gives the records', async () => {
    const h = harness(f);
    assert.equal(await runLogCli([], h.io), 0);
    const lines = h.out[0]!.split('\n');
    assert.match(lines[0]!, /^TIME\s+SEVERITY\s+SOURCE\s+EVENT\s+DESCRIPTION$/);
    assert.equal(lines.length, 1 + f.sim.device.logRecords().length);
    assert.ok(lines.some((l) => /Authentication failed 3 times/.test(l)));
    const j = harness(f);
    await runLogCli(['--json'], j.io);
    const records = JSON.parse(j.out[0]!) as { description: string; source: string; timestamp: number }[];
    assert.equal(records.length, f.sim.device.logRecords().length);
    assert.ok(records.some((r) => r.source === 'ASF 1.0'));
    // Newest first, as the editor's Event log lists them: text and JSON alike.
    for (let i = 1; i < records.length; i++) assert.ok(records[i - 1]!.timestamp >= records[i]!.timestamp, `record ${i} is older than record ${i - 1}`);
    assert.deepEqual(lines.slice(1).map((l) => l.slice(0, 20)), records.map((r) => new Date(r.timestamp * 1000).toISOString().replace('.000Z', 'Z')));
  });

  it('events --follow prints each event as it arrives and unsubscribes on Ctrl-C', async () => {
    const h = harness(f);
    const running = runEventsCli(['--follow'], h.io);
    await eventually(() => f.sim.device.eventing.list().length === 1);
    f.sim.device.watchdog.heartbeat(120);
    f.sim.device.advance(121_000);
    await eventually(() => h.out.length === 1);
    assert.match(h.out[0]!, /^\S+Z  Critical  PLAT0322  Run-time critical stop on system /);
    assert.match(h.err[0]!, /^Subscribed to Intel\(r\) AMT:All; the device posts to http:\/\/127\.0\.0\.1:\d+\//);
    h.stop.abort();
    assert.equal(await running, 0);
    assert.deepEqual(f.sim.device.eventing.list(), []);
  });

  it('events without --follow is a usage error', async () => {
    await assert.rejects(runEventsCli([], harness(f).io), usage(/--follow/));
  });

  it('agent register creates and registers; assert and shutdown take the next numbers; list shows the state', async () => {
    const guid = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
    const r = harness(f);
    await runAgentCli(['register', '--agent', guid, '--interval', '90'], r.io);
    const seq = Number(/SessionSequenceNumber: (\d+)/.exec(r.out[0]!)![1]);
    assert.match(r.out[0]!, /TimeoutInterval: 90 s/);
    assert.match(r.out[0]!, new RegExp(`amtwb agent assert --agent ${guid} --sequence ${seq + 1}`));
    const a = harness(f);
    await runAgentCli(['assert', '--agent', guid, '--sequence', String(seq + 1)], a.io);
    assert.equal(a.out[0], `AssertPresence ${seq + 1} accepted for agent ${guid}.`);
    const l = harness(f);
    await runAgentCli(['list'], l.io);
    assert.match(l.out[0]!, /State: 4 \(Running\)/);
    await runAgentCli(['shutdown', '--agent', guid, '--sequence', String(seq + 2)], harness(f).io);
    const j = harness(f);
    await runAgentCli(['list', '--json'], j.io);
    assert.equal((JSON.parse(j.out[0]!) as { agents: { stateLabel: string }[] }).agents[0]!.stateLabel, 'Stopped');
  });

  it('agent mistakes are usage errors saying what to write', async () => {
    await assert.rejects(runAgentCli(['assert', '--agent', 'x'], harness(f).io), usage(/--sequence N/));
    await assert.rejects(runAgentCli(['register'], harness(f).io), usage(/--agent GUID/));
    await assert.rejects(runAgentCli(['dance'], harness(f).io), usage(/not an agent command/));
  });
});

fuseSuite('amtwb watchdog', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture({ watchdog: true });
  });
  after(() => f.close());

  it('watchdog info shows identity, options and timeout and sends the firmware nothing', async () => {
    const h = harness(f);
    assert.equal(await runWatchdogCli(['info', '--device', f.watchdog!.path], h.io), 0);
    const text = h.out[0]!;
    assert.match(text, /Identity: iamt_wdt/);
    assert.match(text, /Options: 0x8480 \(KEEPALIVEPING, ALARMONLY, SETTIMEOUT\)/);
    assert.match(text, /Timeout: 120 s/);
    assert.match(text, /Time left: not reported by the driver/);
    assert.equal(f.sim.device.watchdog.heartbeats, 0);
  });

  it('watchdog keepalive with an out-of-range timeout exits with the 120..65535 range', async () => {
    await assert.rejects(runWatchdogCli(['keepalive', '--device', f.watchdog!.path, '--timeout', '60'], harness(f).io), usage(/120\.\.65535/));
    await assert.rejects(runWatchdogCli(['keepalive', '--timeout', '70000'], harness(f).io), usage(/120\.\.65535/));
  });

  it('watchdog keepalive arms, beats until Ctrl-C, then disarms and exits 0', async () => {
    const h = harness(f);
    const running = runWatchdogCli(['keepalive', '--device', f.watchdog!.path, '--timeout', '120'], h.io);
    await eventually(() => h.out.length >= 2);
    assert.match(h.out[0]!, /with a 120 s timeout; a heartbeat every 60 s until Ctrl-C/);
    assert.match(h.out[1]!, /^heartbeat 1 at /);
    assert.equal(f.sim.device.watchdog.state, 'running');
    h.stop.abort();
    assert.equal(await running, 0);
    assert.match(h.out.at(-1)!, /Stopped after 1 heartbeat; the watchdog is disarmed/);
    assert.equal(f.sim.device.watchdog.state, 'idle');
  });

  it('watchdog without a subcommand says what to write', async () => {
    await assert.rejects(runWatchdogCli([], harness(f).io), usage(/info or keepalive/));
  });
});
