/** SOL over real sockets with a serial stand-in for the host: data both ways, controls, logs, the end. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ACCOUNT } from '../../../../server/src/sim';
import { auditLog } from '../../../../server/src/sim/audit/log';
import { simSession } from '../sim-session';
import { Console, SOL_START, header, sessionEnd } from './console';
import { SerialStandIn } from './stand-ins';

const { user, password } = DEFAULT_ACCOUNT;

function solData(text: string): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16LE(Buffer.byteLength(text));
  return Buffer.concat([header(0x28, 0, len), Buffer.from(text)]);
}

async function openSol(port: number): Promise<Console> {
  const c = await Console.tcp(port);
  assert.deepEqual(await c.logOn('SOL ', user, password), { start: 0, auth: 0 });
  c.send(SOL_START);
  const reply = await c.expect(0x21);
  assert.equal(reply.length, 23);
  assert.equal(reply[1], 0);
  return c;
}

describe('serial-over-LAN', () => {
  const s = simSession({ redirectionPort: 0 });
  const serial = new SerialStandIn();

  it('carries keystrokes to the host and the host output to the console, and reports power in 0x29', async () => {
    s.sim.redirection.setHostLinks({ serial });
    const c = await openSol(s.sim.redirectionPort!);
    const controls = await c.next();
    assert.equal(controls[0], 0x29);
    assert.equal(controls[9] & 4, 4, 'powered');
    c.send(Buffer.from([0x27, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0x1b, 0, 0, 0]));
    c.send(solData('root\r'));
    await serial.waitFor('root\r');
    serial.print('login: ');
    const out = await c.expect(0x2a);
    assert.equal(out.subarray(10).toString(), 'login: ');
    serial.setPower(false);
    const off = await c.expect(0x29);
    assert.equal(off[9] & 4, 0, 'powered off');
    serial.setPower(true);
    c.send(header(0x22));
    await c.expect(0x23);
    c.send(Buffer.from([0x12, 0, 0, 0]));
    await c.closedByFirmware();
  });

  it('takes data split across writes and several messages in one write', async () => {
    const c = await openSol(s.sim.redirectionPort!);
    const two = Buffer.concat([solData('ab'), solData('cd')]);
    const split = solData('efgh');
    c.send(Buffer.concat([two, split.subarray(0, 5)]));
    await new Promise((r) => setImmediate(r));
    c.send(split.subarray(5));
    await serial.waitFor('abcdefgh');
    const end = sessionEnd(s.sim.device);
    c.close();
    assert.equal((await end).event, 'closed', 'a console closing a SOL session is an orderly end');
  });

  it('writes SoL session opened/closed to the audit log (1804/1805) and the event log (sensor type 192)', async () => {
    const records = () => s.sim.device.logRecords().filter((r) => r.sensorType === 192).map((r) => r.eventData[2]);
    const audits = () => auditLog(s.sim.device).records.filter((r) => r.appId === 18).map((r) => `${1800 + r.eventId} ${r.user}`);
    const before = { log: records().length, audit: audits().length };
    const c = await openSol(s.sim.redirectionPort!);
    c.send(Buffer.from([0x12, 0, 0, 0]));
    await c.closedByFirmware();
    assert.deepEqual(records().slice(before.log), [0, 1]);
    assert.deepEqual(audits().slice(before.audit), [`1804 ${user}`, `1805 ${user}`]);
  });

  it('refuses power off and power cycle while a session is open (4097) and allows them after', async () => {
    const c = await openSol(s.sim.redirectionPort!);
    for (const state of [8, 5]) {
      const out = await s.call('CIM_PowerManagementService', 'RequestPowerStateChange', { PowerState: state });
      assert.equal(out.ReturnValue, '4097', `power state ${state} refused`);
    }
    assert.equal(s.sim.device.powerState, 2);
    c.send(Buffer.from([0x12, 0, 0, 0]));
    await c.closedByFirmware();
    const out = await s.call('CIM_PowerManagementService', 'RequestPowerStateChange', { PowerState: 5 });
    assert.equal(out.ReturnValue, '0');
  });

  it('sends heartbeats at the interval the console asked for', async () => {
    const c = await Console.tcp(s.sim.redirectionPort!);
    await c.logOn('SOL ', user, password);
    const start = Buffer.from(SOL_START);
    start.writeUInt16LE(20, 18); // heartbeat every 20 ms
    c.send(start);
    await c.expect(0x21);
    const beat = await c.expect(0x2b);
    assert.equal(beat.length, 8);
    const end = sessionEnd(s.sim.device);
    c.close();
    assert.equal((await end).event, 'closed');
  });

  it('ends a SOL session whose console sends an unknown message, logs why, and the next session works', async () => {
    const c = await openSol(s.sim.redirectionPort!);
    const end = sessionEnd(s.sim.device);
    c.send(Buffer.from([0x99, 1, 2, 3, 4, 5, 6, 7]));
    const e = await end;
    assert.equal(e.event, 'ended-by-error');
    assert.match(e.reason!, /unknown message type 0x99/);
    await c.closedByFirmware();
    const next = await openSol(s.sim.redirectionPort!);
    const nextEnd = sessionEnd(s.sim.device);
    next.close();
    await nextEnd;
  });
});
