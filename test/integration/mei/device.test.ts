/**
 * The product's MEI access (server/src/mei/device.ts, real koffi syscalls) against /dev/mei0
 * emulated through FUSE: what a caller of openMei sees.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { DEFAULT_MEI_PATHS, openMei } from '../../../server/src/mei/device';
import type { MeiConnection } from '../../../server/src/mei/types';
import type { EmulatedMei } from '../../../server/src/sim/mei/index';
import { closeTemp, echoClient, ECHO_GUID, eventually, MAX_LEN, meiSuite, mountTemp, SINGLE_GUID, UNKNOWN_GUID, type RecordingClient } from './helpers';

/** Asserts that `promise` rejects with an AmtError of `code` whose message mentions every hint. */
async function rejectsWith(promise: Promise<unknown>, code: string, ...hints: (string | RegExp)[]): Promise<AmtError> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}, but it succeeded`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AmtError, `expected an AmtError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  for (const hint of hints) assert.match(err.message, typeof hint === 'string' ? new RegExp(escape(hint)) : hint);
  return err;
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

meiSuite('openMei over the emulated /dev/mei0', () => {
  let device: EmulatedMei & { dir: string };
  let echo: RecordingClient;
  let single: RecordingClient;
  /** Used by one test only, so its open/close counts are its own. */
  let lifecycle: RecordingClient;
  const open: MeiConnection[] = [];
  const connect = async (guid = ECHO_GUID) => {
    const c = await openMei({ path: device.path, guid });
    open.push(c);
    return c;
  };

  before(async () => {
    echo = echoClient(ECHO_GUID);
    single = echoClient(SINGLE_GUID, true);
    lifecycle = echoClient('8e6a6715-9abc-4043-88ef-9e39c6f63e0f');
    device = await mountTemp([echo, single, lifecycle]);
  });
  after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await closeTemp(device);
  });

  it('connect reports the client’s maximum message length and protocol version', async () => {
    const c = await connect();
    assert.equal(c.maxMessageLength, MAX_LEN);
    assert.equal(c.protocolVersion, 3);
  });

  it('a written message comes back whole from the firmware', async () => {
    const c = await connect();
    const message = Buffer.alloc(MAX_LEN, 0xa5);
    await c.write(message);
    assert.deepEqual(await c.read({ timeoutMs: 2000 }), message);
  });

  it('each firmware message is one read: two replies need two reads', async () => {
    const c = await connect();
    await c.write(Buffer.from('two:x'));
    assert.equal((await c.read({ timeoutMs: 2000 })).toString(), 'x-1');
    assert.equal((await c.read({ timeoutMs: 2000 })).toString(), 'x-2');
  });

  it('a read waits for a reply that comes later', async () => {
    const c = await connect();
    await c.write(Buffer.from('later:250'));
    assert.equal((await c.read({ timeoutMs: 3000 })).toString(), 'late');
  });

  it('a read with nothing to read rejects with "timeout" after timeoutMs', async () => {
    const c = await connect();
    await rejectsWith(c.read({ timeoutMs: 250 }), 'timeout', device.path, 'within 250 ms');
  });

  it('aborted reads reject at once and leave no libuv pool thread blocked', async () => {
    const c = await connect();
    const controller = new AbortController();
    const reads = Array.from({ length: 6 }, () => rejectsWith(c.read({ signal: controller.signal }), 'cancelled', device.path));
    await new Promise((r) => setTimeout(r, 150)); // let them all reach poll(2)
    controller.abort();
    await Promise.all(reads);
    // With six reads parked on the 4-thread pool, fs would stall; each poll(2) slice ends by itself.
    await fs.promises.readFile(__filename);
    // The connection is still usable.
    await c.write(Buffer.from('still here'));
    assert.equal((await c.read({ timeoutMs: 2000 })).toString(), 'still here');
  });

  it('a read with an already aborted signal rejects without touching the device', async () => {
    const c = await connect();
    await rejectsWith(c.read({ signal: AbortSignal.abort() }), 'cancelled');
  });

  it('a read aborted by AbortSignal.timeout rejects with "timeout"', async () => {
    const c = await connect();
    await rejectsWith(c.read({ signal: AbortSignal.timeout(50) }), 'timeout', device.path, 'timed out');
  });

  it('an AmtError given as the abort reason is what the read rejects with', async () => {
    const c = await connect();
    const reason = new AmtError('timeout', 'The request took too long.');
    const controller = new AbortController();
    const read2 = c.read({ signal: controller.signal });
    controller.abort(reason);
    assert.equal(await read2.catch((e: unknown) => e), reason);
  });

  it('close() rejects a pending read with mei.closed, and later calls too', async () => {
    const c = await openMei({ path: device.path, guid: ECHO_GUID });
    const pending = rejectsWith(c.read(), 'mei.closed', device.path, 'open a new one');
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all([c.close(), c.close()]);
    await pending;
    await rejectsWith(c.write(Buffer.from('x')), 'mei.closed');
    await rejectsWith(c.read(), 'mei.closed');
  });

  it('closing the connection ends the firmware session', async () => {
    const c = await openMei({ path: device.path, guid: lifecycle.guid });
    await eventually(() => lifecycle.opened === 1);
    assert.equal(lifecycle.closed, 0);
    await c.close();
    await eventually(() => lifecycle.closed === 1);
  });

  it('a missing device gives mei.enoent naming the path and the driver to load', async () => {
    const missing = `${device.dir}/no-such-mei`;
    await rejectsWith(openMei({ path: missing, guid: ECHO_GUID }), 'mei.enoent', missing, 'modprobe mei_me', 'no Intel ME');
  });

  it('without a path, /dev/mei0 … /dev/mei3 are tried and all are named', { skip: DEFAULT_MEI_PATHS.some((p) => fs.existsSync(p)) && 'this machine has a real /dev/meiN' }, async () => {
    await rejectsWith(openMei({ guid: ECHO_GUID }), 'mei.enoent', '/dev/mei0', '/dev/mei3');
  });

  it('an unknown client GUID gives mei.enotty: AMT absent or disabled in BIOS/MEBx', async () => {
    await rejectsWith(openMei({ path: device.path, guid: UNKNOWN_GUID }), 'mei.enotty', device.path, UNKNOWN_GUID, 'BIOS/MEBx');
  });

  it('a malformed GUID is refused before any syscall', async () => {
    await rejectsWith(openMei({ path: device.path, guid: 'not-a-guid' }), 'mei.guid', 'not-a-guid');
  });

  it('a single-connection client held by another program gives mei.ebusy pointing at the lms target', async () => {
    const first = await openMei({ path: device.path, guid: SINGLE_GUID });
    await rejectsWith(openMei({ path: device.path, guid: SINGLE_GUID }), 'mei.ebusy', device.path, 'LME', 'Intel LMS', '"lms" target');
    await first.close();
    const again = await openMei({ path: device.path, guid: SINGLE_GUID });
    await again.close();
  });

  it('a message longer than the client’s maximum gives mei.efbig and never reaches the firmware', async () => {
    const c = await connect();
    const count = echo.received.length;
    await rejectsWith(c.write(Buffer.alloc(MAX_LEN + 1)), 'mei.efbig', device.path, `${MAX_LEN + 1}-byte`, `at most ${MAX_LEN}`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(echo.received.length, count);
  });

  it('a firmware reset fails a pending read and later writes with mei.enodev; a new connection works', async () => {
    const c = await connect();
    const closedBefore = echo.closed;
    const pending = rejectsWith(c.read(), 'mei.enodev', device.path, 'reconnect');
    await new Promise((r) => setTimeout(r, 150)); // mid-read: parked in poll(2)
    device.reset();
    await pending;
    await rejectsWith(c.write(Buffer.from('x')), 'mei.enodev');
    assert.ok(echo.closed > closedBefore, 'the firmware session got onClose');
    const fresh = await connect();
    await fresh.write(Buffer.from('after reset'));
    assert.equal((await fresh.read({ timeoutMs: 2000 })).toString(), 'after reset');
  });

  it('the firmware dropping a connection fails the next read with mei.enodev', async () => {
    const opened = echo.opened;
    const c = await connect();
    await eventually(() => echo.opened === opened + 1);
    echo.last!.close();
    await rejectsWith(c.read({ timeoutMs: 2000 }), 'mei.enodev');
  });
});
