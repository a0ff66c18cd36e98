/**
 * The emulated device's state machine, fed with kernel requests and read back as reply frames,
 * without /dev/fuse: timing cases (interrupts, pending reads, notifications) are deterministic here.
 */
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { beforeEach, describe, it } from 'node:test';
import { guidToUuidLe } from '../../../../server/src/mei/guid';
import type { ClientInfo } from '../../../../server/src/sim/mei/bridge';
import { EmulatedMeiDevice, IOCTL_MEI_CONNECT_CLIENT, uuidLeToGuid, type DeviceOutputEvent } from '../../../../server/src/sim/mei/emulated-device';
import * as P from '../../../../server/src/sim/mei/fuse-proto';
import { fhBody, initBody, interruptBody, ioctlBody, pollBody, readBody, request, writeBody } from './fuse-requests';

const E = constants.errno;
const AMTHI = '12f80028-b4b7-4b2d-aca8-46e0ff65814c';
const LME = '6733a4db-0476-4e7b-b3af-bcfc29bee7a7';
const clients: ClientInfo[] = [
  { guid: AMTHI, maxMessageLength: 8, protocolVersion: 1, singleConnection: false },
  { guid: LME, maxMessageLength: 100, protocolVersion: 2, singleConnection: true },
];

interface Frame { unique: bigint; error: number; body: Buffer }

describe('emulated MEI device model', () => {
  let frames: Frame[];
  let events: DeviceOutputEvent[];
  let device: EmulatedMeiDevice;
  let unique: bigint;

  /** Sends one request; returns the frames it produced. */
  const send = (opcode: number, body?: Buffer, u = ++unique): Frame[] => {
    const before = frames.length;
    device.handle(P.parseRequest(request(opcode, u, body)));
    return frames.slice(before);
  };
  const only = (fs: Frame[]): Frame => {
    assert.equal(fs.length, 1, `expected one frame, got ${fs.length}`);
    return fs[0];
  };
  const open = (): bigint => only(send(P.Op.OPEN, Buffer.alloc(8))).body.readBigUInt64LE(0);
  const connect = (fh: bigint, guid = AMTHI): Frame => only(send(P.Op.IOCTL, ioctlBody(fh, IOCTL_MEI_CONNECT_CLIENT, guidToUuidLe(guid))));
  const lastConn = (): number => (events.filter((e) => e.type === 'open').pop() as { conn: number }).conn;

  beforeEach(() => {
    frames = [];
    events = [];
    unique = 100n;
    device = new EmulatedMeiDevice(clients, { mode: 0o600, uid: 0, gid: 0 }, {
      write: (f) => frames.push({ unique: f.readBigUInt64LE(8), error: f.readInt32LE(4), body: f.subarray(16) }),
      event: (e) => events.push(e),
    });
  });

  it('decodes uuid_le back to the canonical GUID', () => {
    assert.equal(uuidLeToGuid(guidToUuidLe(LME)), LME);
    assert.equal(uuidLeToGuid(Buffer.from('2800f812b7b42d4baca846e0ff65814c', 'hex')), AMTHI);
  });

  it('INIT is answered with minor 31 (or the kernel’s, if lower) and reports ready', () => {
    assert.equal(only(send(P.Op.INIT, initBody(45))).body.readUInt32LE(4), 31);
    assert.equal(only(send(P.Op.INIT, initBody(23))).body.readUInt32LE(4), 23);
    assert.deepEqual(events.map((e) => e.type), ['ready', 'ready']);
  });

  it('GETATTR describes a regular file with the configured mode', () => {
    assert.equal(only(send(P.Op.GETATTR, Buffer.alloc(16))).body.readUInt32LE(16 + 60), 0o100600);
  });

  it('OPEN gives each open its own fh, with DIRECT_IO|NONSEEKABLE|STREAM', () => {
    const a = only(send(P.Op.OPEN, Buffer.alloc(8)));
    const b = only(send(P.Op.OPEN, Buffer.alloc(8)));
    assert.notEqual(a.body.readBigUInt64LE(0), b.body.readBigUInt64LE(0));
    assert.equal(a.body.readUInt32LE(8), 0x15);
  });

  it('connect answers the client’s max length and version and tells the firmware', () => {
    const fh = open();
    const f = connect(fh, LME);
    assert.equal(f.error, 0);
    assert.equal(f.body.readInt32LE(0), 0);
    assert.equal(f.body.readUInt32LE(16), 100);
    assert.equal(f.body.readUInt8(20), 2);
    assert.deepEqual(events, [{ type: 'open', conn: 1, guid: LME }]);
  });

  it('errno like the driver: ENODEV before connect, ENOTTY unknown GUID or ioctl, EBUSY reconnect, EFBIG oversize', () => {
    const fh = open();
    assert.equal(only(send(P.Op.READ, readBody(fh, 8))).error, -E.ENODEV);
    assert.equal(only(send(P.Op.WRITE, writeBody(fh, Buffer.from('x')))).error, -E.ENODEV);
    assert.equal(connect(fh, '00000000-0000-0000-0000-000000000000').error, -E.ENOTTY);
    assert.equal(only(send(P.Op.IOCTL, ioctlBody(fh, 0x80044803, Buffer.alloc(0), 4))).error, -E.ENOTTY);
    assert.equal(connect(fh).error, 0);
    assert.equal(connect(fh).error, -E.EBUSY);
    assert.equal(only(send(P.Op.WRITE, writeBody(fh, Buffer.alloc(9)))).error, -E.EFBIG);
    assert.equal(only(send(P.Op.WRITE, writeBody(fh, Buffer.alloc(8)))).body.readUInt32LE(0), 8);
  });

  it('a write becomes one firmware message', () => {
    const fh = open();
    connect(fh);
    send(P.Op.WRITE, writeBody(fh, Buffer.from('hello')));
    assert.deepEqual(events[1], { type: 'message', conn: 1, data: new Uint8Array(Buffer.from('hello')) });
  });

  it('a blocking read waits for the firmware and is answered under its own unique', () => {
    const fh = open();
    connect(fh);
    assert.deepEqual(send(P.Op.READ, readBody(fh, 8), 500n), []);
    device.firmwareSend(lastConn(), Buffer.from('reply'));
    const f = frames.find((x) => x.unique === 500n)!;
    assert.equal(f.body.toString(), 'reply');
  });

  it('a non-blocking read with nothing queued fails with EAGAIN', () => {
    const fh = open();
    connect(fh);
    assert.equal(only(send(P.Op.READ, readBody(fh, 8, 0o4002))).error, -E.EAGAIN);
  });

  it('messages keep their boundaries; a short read leaves the rest for the next read', () => {
    const fh = open();
    connect(fh);
    device.firmwareSend(lastConn(), Buffer.from('abcdef'));
    device.firmwareSend(lastConn(), Buffer.from('gh'));
    assert.equal(only(send(P.Op.READ, readBody(fh, 4))).body.toString(), 'abcd');
    assert.equal(only(send(P.Op.READ, readBody(fh, 100))).body.toString(), 'ef');
    assert.equal(only(send(P.Op.READ, readBody(fh, 100))).body.toString(), 'gh');
  });

  it('INTERRUPT answers the pending read with EINTR, even when it overtakes the read', () => {
    const fh = open();
    connect(fh);
    send(P.Op.READ, readBody(fh, 8), 600n);
    assert.deepEqual(send(P.Op.INTERRUPT, interruptBody(600n)).map((f) => [f.unique, f.error]), [[600n, -E.EINTR]]);
    assert.deepEqual(send(P.Op.INTERRUPT, interruptBody(700n)), []);
    assert.equal(only(send(P.Op.READ, readBody(fh, 8), 700n)).error, -E.EINTR);
  });

  it('POLL reports POLLERR unconnected, POLLOUT idle, POLLIN with a message, and notifies its kh', () => {
    const fh = open();
    assert.equal(only(send(P.Op.POLL, pollBody(fh, 9n))).body.readUInt32LE(0), 0x008);
    connect(fh);
    assert.equal(only(send(P.Op.POLL, pollBody(fh, 9n))).body.readUInt32LE(0), 0x104);
    const before = frames.length;
    device.firmwareSend(lastConn(), Buffer.from('x'));
    const notify = frames.slice(before);
    assert.deepEqual(notify.map((f) => [f.unique, f.error, f.body.readBigUInt64LE(0)]), [[0n, 1, 9n]]);
    assert.equal(only(send(P.Op.POLL, pollBody(fh, 9n))).body.readUInt32LE(0), 0x145);
  });

  it('a single-connection client is refused to a second fd until the first is released', () => {
    const a = open();
    const b = open();
    assert.equal(connect(a, LME).error, 0);
    assert.equal(connect(b, LME).error, -E.EBUSY);
    send(P.Op.RELEASE, fhBody(a, 24));
    assert.deepEqual(events.at(-1), { type: 'close', conn: 1 });
    assert.equal(connect(b, LME).error, 0);
  });

  it('reset fails pending reads with ENODEV, closes every session, and allows reconnecting', () => {
    const fh = open();
    connect(fh);
    send(P.Op.READ, readBody(fh, 8), 800n);
    device.reset();
    assert.equal(frames.find((f) => f.unique === 800n)?.error, -E.ENODEV);
    assert.deepEqual(events.at(-1), { type: 'close', conn: 1 });
    assert.equal(only(send(P.Op.WRITE, writeBody(fh, Buffer.from('x')))).error, -E.ENODEV);
    assert.equal(connect(fh).error, 0);
    device.firmwareSend(1, Buffer.from('stale')); // the old connection's id is dead
    assert.equal(only(send(P.Op.READ, readBody(fh, 8, 0o4002))).error, -E.EAGAIN);
  });

  it('the firmware dropping one connection fails only that fd', () => {
    const a = open();
    const b = open();
    connect(a);
    connect(b);
    device.firmwareDrop(1);
    assert.equal(only(send(P.Op.READ, readBody(a, 8))).error, -E.ENODEV);
    assert.equal(only(send(P.Op.READ, readBody(b, 8, 0o4002))).error, -E.EAGAIN);
  });

  it('FORGET gets no reply; unknown opcodes get ENOSYS', () => {
    assert.deepEqual(send(P.Op.FORGET, Buffer.alloc(8)), []);
    assert.equal(only(send(22 /* GETXATTR */, Buffer.alloc(8))).error, -E.ENOSYS);
  });
});
