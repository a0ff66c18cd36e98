/**
 * IDE-R over real sockets: a minimal console written here answers the ATAPI packets a host
 * stand-in sends through the IderBus the service lends it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ACCOUNT } from '../../../../server/src/sim';
import { auditLog } from '../../../../server/src/sim/audit/log';
import { simSession } from '../sim-session';
import { Console, closeAndWait, header, sessionEnd } from './console';
import { IderStandIn } from './stand-ins';

const { user, password } = DEFAULT_ACCOUNT;

/** MeshCommander's 0x40: sequence 0, RxTimeout 30000, TxTimeout 0, Heartbeat 20000, Version 1 at 8–17. */
const MC_OPEN = Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0x30, 0x75, 0, 0, 0x20, 0x4e, 1, 0, 0, 0]);
/** amtterm's 0x40: TxTimeout 100, RxTimeout 10000, Heartbeat 5000 from byte 1. */
const AMTTERM_OPEN = Buffer.from([0x40, 0x64, 0x00, 0x10, 0x27, 0x88, 0x13, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

function features(seq: number, type: number, value: number): Buffer {
  const body = Buffer.alloc(5);
  body[0] = type;
  body.writeUInt32LE(value, 1);
  return header(0x48, seq, body);
}

function regs(drive: number, sense?: [number, number, number]): Buffer {
  return Buffer.from(sense ? [0x87, sense[0] << 4, 3, 0, 0, 0, drive, 0x51] : [0xc5, 0, 3, 0, 0, 0, drive, 0x50]);
}

/** 0x51 CommandEndResponse; `goodForm` sends MeshCommander's GOOD registers with sense bytes anyway. */
function commandEnd(seq: number, drive: number, sense?: [number, number, number], goodForm = false): Buffer {
  const body = Buffer.alloc(23);
  regs(drive, goodForm ? undefined : sense).copy(body, 12);
  if (sense) Buffer.from(sense).copy(body, 20);
  return header(0x51, seq, body, 2);
}

/** 0x54 DataToHost, the last chunk when `last`. */
function dataToHost(seq: number, drive: number, data: Buffer, last: boolean): Buffer {
  const body = Buffer.alloc(26);
  body.writeUInt16LE(data.length, 1);
  if (last) regs(drive).copy(body, 12);
  return header(0x54, seq, Buffer.concat([body, data]), last ? 2 : 0);
}

describe('IDE redirection', () => {
  const s = simSession({ redirectionPort: 0 });
  const closed = (c: Console) => closeAndWait(c, s.sim.device);
  const host = new IderStandIn();

  async function open(layout: Buffer): Promise<Console> {
    s.sim.redirection.setHostLinks({ ider: host });
    const c = await Console.tcp(s.sim.redirectionPort!);
    assert.deepEqual(await c.logOn('IDER', user, password), { start: 0, auth: 0 });
    c.send(layout);
    const reply = await c.expect(0x41);
    assert.equal(reply.length, 30);
    assert.equal(reply[1], 0, 'status');
    assert.equal(reply.readUInt32LE(4), 0, 'first firmware sequence number');
    assert.equal(reply[8], 1, 'protocol major');
    assert.equal(reply.readUInt16LE(16), 8192);
    assert.equal(reply.readUInt16LE(18), 8192);
    assert.equal(reply[21], 0, 'MeshCommander requires byte 21 = 0');
    return c;
  }

  it('opens (MeshCommander layout), enables the drives and carries READ CAPACITY and READ(10) to the console', async () => {
    const c = await open(MC_OPEN);
    c.send(features(1, 3, 0x09));
    const enabled = await c.expect(0x49);
    assert.equal(enabled.readUInt32LE(4), 1);
    assert.equal(enabled[8], 3);
    assert.equal(enabled.readUInt32LE(9), 1, 'toggle succeeded');
    const bus = await host.attached();
    assert.equal(host.startMode, 0x08);

    const capacity = bus.packet('cd', Buffer.from([0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 8);
    const cmd = await c.expect(0x50);
    assert.equal(cmd.readUInt32LE(4), 2);
    assert.equal(cmd[14], 0xb0, 'CD = slave');
    assert.equal(cmd[15], 0xa0, 'ATA PACKET');
    assert.equal(cmd[16], 0x25);
    c.send(dataToHost(2, 0xb0, Buffer.from([0, 0, 0x01, 0xff, 0, 0, 8, 0]), true));
    assert.deepEqual(await capacity, { data: Buffer.from([0, 0, 0x01, 0xff, 0, 0, 8, 0]) });

    const read = bus.packet('cd', Buffer.from([0x28, 0, 0, 0, 0, 16, 0, 0, 1, 0, 0, 0]), 2048);
    const cmd2 = await c.expect(0x50);
    assert.equal(cmd2.readUInt32LE(4), 3);
    const sector = Buffer.alloc(2048);
    sector.write('\x01CD001', 0, 'latin1');
    c.send(dataToHost(3, 0xb0, sector.subarray(0, 1024), false));
    c.send(dataToHost(4, 0xb0, sector.subarray(1024), true));
    const got = await read;
    assert.equal(got.sense, undefined);
    assert.equal(got.data.subarray(0, 6).toString('latin1'), '\x01CD001');
    assert.equal(got.data.length, 2048);
    const end = sessionEnd(s.sim.device);
    c.send(header(0x42, 5));
    await c.expect(0x43);
    assert.equal(host.bus, undefined, 'the host lost the bus when IDE-R ended');
    c.send(Buffer.from([0x12, 0, 0, 0]));
    assert.equal((await end).event, 'closed');
  });

  it('reports CHECK CONDITION from the status register, keeps the sense for REQUEST SENSE, and answers INQUIRY itself', async () => {
    const c = await open(MC_OPEN);
    c.send(features(1, 3, 0x19));
    await c.expect(0x49);
    const bus = await host.attached();
    const tur = bus.packet('floppy', Buffer.alloc(12), 0);
    const cmd = await c.expect(0x50);
    assert.equal(cmd[14], 0xa0, 'floppy = master');
    c.send(commandEnd(2, 0xa0, [2, 0x3a, 0]));
    assert.deepEqual((await tur).sense, { key: 2, asc: 0x3a, ascq: 0 });
    const sense = await bus.packet('floppy', Buffer.from([0x03, 0, 0, 0, 18, 0, 0, 0, 0, 0, 0, 0]), 18);
    assert.equal(sense.data[2], 2);
    assert.equal(sense.data[12], 0x3a);
    // MeshCommander's GOOD form with sense bytes is GOOD for the host.
    const tur2 = bus.packet('cd', Buffer.alloc(12), 0);
    await c.expect(0x50);
    c.send(commandEnd(3, 0xb0, [2, 0x3a, 0], true));
    assert.equal((await tur2).sense, undefined);
    const inquiry = await bus.packet('cd', Buffer.from([0x12, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0]), 36);
    assert.equal(inquiry.data[0], 0x05, 'CD-ROM device type');
    assert.equal(inquiry.data[1], 0x80, 'removable');
    await closed(c);
  });

  it('opens with amtterm\'s layout, takes its sequence numbers from its first message on, and lets it echo heartbeats', async () => {
    const fast = Buffer.from(AMTTERM_OPEN);
    fast.writeUInt16LE(20, 5); // Heartbeat 20 ms
    const c = await open(fast);
    c.send(features(5, 3, 0x01 | 0x18));
    await c.expect(0x49);
    const bus = await host.attached();
    assert.equal(host.startMode, 0x18);
    // amtterm echoes a heartbeat as it came (the firmware's number inside) and counts the echo.
    let beat: Buffer;
    do beat = await c.next();
    while (beat[0] !== 0x4b);
    c.send(beat);
    const tur = bus.packet('cd', Buffer.alloc(12), 0);
    await c.expect(0x50);
    c.send(commandEnd(7, 0xb0));
    assert.deepEqual(await tur, { data: Buffer.alloc(0) });
    await closed(c);
  });

  it('ends the session with ErrorOccurred on a wrong console sequence number, logs it, and the next session works', async () => {
    const c = await open(MC_OPEN);
    c.send(features(1, 3, 0x09));
    await c.expect(0x49);
    const end = sessionEnd(s.sim.device);
    c.send(header(0x45, 7));
    await c.expect(0x4a);
    const e = await end;
    assert.equal(e.event, 'ended-by-error');
    assert.match(e.reason!, /sequence number 7, expected 2/);
    await c.closedByFirmware();
    assert.equal(host.bus, undefined);
    const next = await open(MC_OPEN);
    await closed(next);
  });

  it('rejects the host\'s packet when the console vanishes mid-read, logs it, and the next session works', async () => {
    const c = await open(MC_OPEN);
    c.send(features(1, 3, 0x09));
    await c.expect(0x49);
    const bus = await host.attached();
    const read = bus.packet('cd', Buffer.from([0x28, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0]), 8192);
    await c.expect(0x50);
    const end = sessionEnd(s.sim.device);
    c.send(dataToHost(2, 0xb0, Buffer.alloc(2048), false));
    c.close();
    await assert.rejects(read, /IDE-R ended/);
    const e = await end;
    assert.equal(e.event, 'ended-by-error');
    assert.equal(bus.open, false);
    const next = await open(MC_OPEN);
    await closed(next);
  });

  it('writes IDER session opened/closed to the audit log (1800/1801) and the event log', async () => {
    const records = () => s.sim.device.logRecords().filter((r) => r.sensorType === 192).map((r) => r.eventData[2]);
    const audits = () => auditLog(s.sim.device).records.filter((r) => r.appId === 18).map((r) => `${1800 + r.eventId} ${r.user}`);
    const before = { log: records().length, audit: audits().length };
    const c = await open(MC_OPEN);
    const end = sessionEnd(s.sim.device);
    c.send(Buffer.from([0x12, 0, 0, 0]));
    await end;
    assert.deepEqual(records().slice(before.log), [2, 3]);
    assert.deepEqual(audits().slice(before.audit), [`1800 ${user}`, `1801 ${user}`]);
  });

  it('ends the session when the console stays silent past its RxTimeout with a packet outstanding', async () => {
    const open50 = Buffer.from(MC_OPEN);
    open50.writeUInt16LE(50, 8); // RxTimeout 50 ms
    const c = await open(open50);
    c.send(features(1, 3, 0x09));
    await c.expect(0x49);
    const bus = await host.attached();
    const end = sessionEnd(s.sim.device);
    const tur = bus.packet('cd', Buffer.alloc(12), 0);
    await c.expect(0x50);
    await assert.rejects(tur, /RxTimeout of 50 ms/);
    const e = await end;
    assert.equal(e.event, 'ended-by-error');
    await c.closedByFirmware();
  });

  it('sends ResetOccurred when the host is reset, rejects the outstanding packet, drops the console finishing it, and sends new packets after 0x47', async () => {
    const c = await open(MC_OPEN);
    c.send(features(1, 3, 0x09));
    await c.expect(0x49);
    const bus = await host.attached();
    const tur = assert.rejects(bus.packet('cd', Buffer.alloc(12), 0), /reset/);
    await c.expect(0x50);
    assert.equal((await s.call('CIM_PowerManagementService', 'RequestPowerStateChange', { PowerState: 10 })).ReturnValue, '0');
    await tur;
    const reset = await c.expect(0x46);
    assert.equal(reset.readUInt32LE(4), 3);
    // New packets wait for 0x47; the console first finishes the packet the reset cut off.
    const next = bus.packet('cd', Buffer.alloc(12), 0);
    c.send(commandEnd(2, 0xb0));
    c.send(header(0x47, 3));
    const cmd = await c.expect(0x50);
    assert.equal(cmd.readUInt32LE(4), 4);
    c.send(commandEnd(4, 0xb0));
    assert.equal((await next).sense, undefined);
    await closed(c);
  });

  it('ends the IDE-R session on AMT_RedirectionService.TerminateSession(0)', async () => {
    const c = await open(MC_OPEN);
    const end = sessionEnd(s.sim.device);
    assert.equal((await s.call('AMT_RedirectionService', 'TerminateSession', { SessionType: 0 })).ReturnValue, '0');
    assert.match((await end).reason!, /TerminateSession/);
    await c.closedByFirmware();
  });

  it('sends 0x4B heartbeats, numbered in order, at the interval 0x40 asked for', async () => {
    const fast = Buffer.from(MC_OPEN);
    fast.writeUInt16LE(20, 12); // Heartbeat 20 ms
    const c = await open(fast);
    const first = await c.next();
    const second = await c.next();
    assert.deepEqual([first[0], second[0]], [0x4b, 0x4b]);
    assert.deepEqual([first.readUInt32LE(4), second.readUInt32LE(4)], [1, 2]);
    await closed(c);
  });
});
