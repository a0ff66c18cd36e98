/**
 * The emulated mei_wdt watchdog device's state machine, fed with kernel requests and read back as
 * reply frames and firmware messages, without /dev/fuse.
 */
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { beforeEach, describe, it } from 'node:test';
import type { ClientInfo } from '../../../../server/src/sim/mei/bridge';
import type { DeviceOutputEvent } from '../../../../server/src/sim/mei/emulated-device';
import * as P from '../../../../server/src/sim/mei/fuse-proto';
import { EmulatedWatchdogDevice, HOLD_LIMIT_MS, WDIOC } from '../../../../server/src/sim/mei/watchdog-device';
import { fhBody, ioctlBody, request, writeBody } from './fuse-requests';

const E = constants.errno;
const client: ClientInfo = { guid: '05b79a6f-4628-4d7f-899d-a91514cb32ab', maxMessageLength: 512, protocolVersion: 2, singleConnection: false };

interface Frame { unique: bigint; error: number; body: Buffer }

describe('emulated watchdog device model', () => {
  let frames: Frame[];
  let events: DeviceOutputEvent[];
  let device: EmulatedWatchdogDevice;
  let unique: bigint;
  /** What SETOPTIONS reads from the caller's memory. */
  let options: number | undefined;

  const send = (opcode: number, body?: Buffer, u = ++unique): Frame[] => {
    const before = frames.length;
    device.handle(P.parseRequest(request(opcode, u, body)));
    return frames.slice(before);
  };
  const only = (fs: Frame[]): Frame => {
    assert.equal(fs.length, 1, `expected one frame, got ${fs.length}`);
    return fs[0]!;
  };
  const int = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    return b;
  };
  const open = (): bigint => only(send(P.Op.OPEN, Buffer.alloc(8))).body.readBigUInt64LE(0);
  const ioctl = (fh: bigint, cmd: number, input = Buffer.alloc(0), outSize = 4) => send(P.Op.IOCTL, ioctlBody(fh, cmd, input, outSize));
  const messages = () => events.flatMap((e) => (e.type === 'message' ? [Buffer.from(e.data).toString('hex')] : []));
  const conn = () => (events.find((e) => e.type === 'open') as { conn: number }).conn;

  beforeEach(() => {
    frames = [];
    events = [];
    unique = 100n;
    options = undefined;
    device = new EmulatedWatchdogDevice(
      client,
      { mode: 0o600, uid: 0, gid: 0 },
      { write: (f) => frames.push({ unique: f.readBigUInt64LE(8), error: f.readInt32LE(4), body: f.subarray(16) }), event: (e) => events.push(e) },
      () => (options === undefined ? undefined : int(options)),
    );
  });

  it('reports iamt_wdt, options 0x8480 and the client’s protocol version as firmware_version', () => {
    const fh = open();
    const info = only(ioctl(fh, WDIOC.GETSUPPORT, Buffer.alloc(0), 40)).body.subarray(16);
    assert.equal(info.readUInt32LE(0), 0x8480);
    assert.equal(info.readUInt32LE(4), 2);
    assert.equal(info.subarray(8, 16).toString('latin1'), 'iamt_wdt');
    assert.equal(only(ioctl(fh, WDIOC.GETTIMEOUT)).body.readInt32LE(16), 120);
  });

  it('allows one open at a time; open alone tells the firmware nothing', () => {
    open();
    assert.equal(only(send(P.Op.OPEN, Buffer.alloc(8))).error, -E.EBUSY);
    assert.deepEqual(messages(), []);
  });

  it('a ping is answered only once the firmware has handled it', () => {
    const fh = open();
    assert.deepEqual(ioctl(fh, WDIOC.KEEPALIVE), [], 'held');
    assert.deepEqual(messages(), ['0215131078' + '00'.repeat(18)]);
    device.handled(conn());
    assert.equal(frames.at(-1)!.error, 0);
  });

  it('SETTIMEOUT checks 120..65535, pings with the new timeout and writes it back', () => {
    const fh = open();
    assert.equal(only(ioctl(fh, WDIOC.SETTIMEOUT, int(60))).error, -E.EINVAL);
    assert.equal(only(ioctl(fh, WDIOC.SETTIMEOUT, int(65536))).error, -E.EINVAL);
    assert.deepEqual(ioctl(fh, WDIOC.SETTIMEOUT, int(300)), []);
    assert.equal(Buffer.from(messages()[0]!, 'hex').readUInt16LE(4), 300);
    device.handled(conn());
    assert.equal(frames.at(-1)!.body.readInt32LE(16), 300);
  });

  it('GETTIMELEFT and SETPRETIMEOUT are EOPNOTSUPP; unknown ioctls ENOTTY; status and boot status 0', () => {
    const fh = open();
    assert.equal(only(ioctl(fh, WDIOC.GETTIMELEFT)).error, -E.EOPNOTSUPP);
    assert.equal(only(ioctl(fh, WDIOC.SETPRETIMEOUT, int(10))).error, -E.EOPNOTSUPP);
    assert.equal(only(ioctl(fh, WDIOC.GETTEMP)).error, -E.ENOTTY);
    assert.equal(only(ioctl(fh, WDIOC.GETSTATUS)).body.readInt32LE(16), 0);
    assert.equal(only(ioctl(fh, WDIOC.GETBOOTSTATUS)).body.readInt32LE(16), 0);
  });

  it('close stops a pinged watchdog (STOP) and frees the device; an unpinged one closes silently', () => {
    let fh = open();
    assert.equal(only(send(P.Op.FLUSH, fhBody(fh))).error, 0);
    assert.deepEqual(messages(), []);
    fh = open();
    ioctl(fh, WDIOC.KEEPALIVE);
    device.handled(conn());
    assert.deepEqual(send(P.Op.FLUSH, fhBody(fh)), [], 'held until STOP is handled');
    assert.equal(messages().at(-1), '02021410');
    device.handled(conn());
    open();
  });

  it('SETOPTIONS reads its argument from the caller: DISABLECARD stops, ENABLECARD starts; pings are no-ops while disabled', () => {
    const fh = open();
    ioctl(fh, WDIOC.KEEPALIVE);
    device.handled(conn());
    options = 1;
    ioctl(fh, WDIOC.SETOPTIONS);
    assert.equal(messages().at(-1), '02021410');
    device.handled(conn());
    assert.equal(only(ioctl(fh, WDIOC.KEEPALIVE)).error, 0, 'answered at once');
    assert.equal(messages().length, 2);
    options = 2;
    assert.equal(only(ioctl(fh, WDIOC.SETOPTIONS)).error, 0);
    ioctl(fh, WDIOC.KEEPALIVE);
    assert.equal(messages().length, 3);
    options = undefined;
    assert.equal(only(ioctl(fh, WDIOC.SETOPTIONS)).error, -E.EFAULT);
  });

  it('write pings; read is EINVAL', () => {
    const fh = open();
    assert.deepEqual(send(P.Op.WRITE, writeBody(fh, Buffer.from('x'))), []);
    device.handled(conn());
    assert.equal(frames.at(-1)!.body.readUInt32LE(0), 1);
    assert.equal(only(send(P.Op.READ, fhBody(fh, 40))).error, -E.EINVAL);
  });

  it('a "not required" start response unregisters the device', () => {
    const fh = open();
    ioctl(fh, WDIOC.KEEPALIVE);
    device.firmwareSend(conn(), Buffer.from('020483100001', 'hex'));
    device.handled(conn());
    assert.equal(only(ioctl(fh, WDIOC.KEEPALIVE)).error, -E.ENODEV);
  });

  it('a held reply is released after the hold limit with one warning, so a blocked caller never hangs', () => {
    const fh = open();
    ioctl(fh, WDIOC.KEEPALIVE);
    const due = device.tick(Date.now())!;
    assert.ok(due > Date.now() && due <= Date.now() + HOLD_LIMIT_MS);
    device.tick(due);
    assert.equal(frames.at(-1)!.error, 0);
    assert.equal(events.filter((e) => e.type === 'warning').length, 1);
    device.handled(conn()); // the late acknowledgement answers nobody twice
    assert.equal(frames.filter((f) => f.error === 0).length, 2);
  });
});
