/**
 * The IDE-R client against a stand-in firmware over a real socket: the drives enabled with the
 * start mode asked for, a READ(10) answered with the image's bytes in read-buffer-sized chunks,
 * CHECK CONDITION where sense applies, progress counters, and eject ending the session.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openIder } from '../../../../server/src/features/redirection/connect';
import { DiskImage } from '../../../../server/src/features/redirection/image';
import { openRedirection } from '../../../../server/src/targets/redirection';
import { fakeFirmware } from './fake-firmware';

test('IDE-R serves a CD image: UNIT ATTENTION once, READ(10) bytes from the file, CHECK CONDITION out of range, eject ends it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'amtwb-ider-'));
  const fw = await fakeFirmware();
  const path = join(dir, 'disc.iso');
  const bytes = Buffer.alloc(64 * 2048);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32BE(i, i);
  await writeFile(path, bytes);
  const cd = await DiskImage.open(path, 'cd');
  try {
    const { session } = await openIder({
      label: 'the test device',
      open: (signal) => openRedirection({ via: 'tcp', host: '127.0.0.1', port: fw.port, label: 'the test device', credentials: { user: 'admin', password: 'P@ssw0rd' } }, signal),
    }, { cd, startMode: 'now' });
    assert.equal(fw.iderToggle, 0x19);
    assert.deepEqual((await fw.packet([0x00])).sense, [0x06, 0x28, 0x00]);
    assert.equal((await fw.packet([0x00])).sense, undefined);
    const read = await fw.packet([0x28, 0, 0, 0, 0, 3, 0, 0, 5]);
    assert.equal(read.sense, undefined);
    assert.ok(read.data.equals(bytes.subarray(3 * 2048, 8 * 2048)), 'sectors 3..7 of the file');
    assert.deepEqual((await fw.packet([0x28, 0, 0, 0, 0, 63, 0, 0, 2])).sense, [0x05, 0x21, 0x00]);
    assert.deepEqual((await fw.packet([0xee])).sense, [0x05, 0x20, 0x00]);
    assert.deepEqual((await fw.packet([0x00], 0xa0)).sense, [0x02, 0x3a, 0x00], 'no floppy was given');
    assert.equal(session.counters.sectorsRead, 5);
    assert.equal(session.counters.bytesRead, 5 * 2048);
    const ended = once(session, 'ended');
    assert.equal((await fw.packet([0x1b, 0, 0, 0, 0x02])).sense, undefined);
    assert.deepEqual(await ended, ['ejected', undefined]);
    await fw.disconnected;
    assert.deepEqual(fw.received.slice(-2), [0x42, 0x12]);
    // 5 sectors of 2048 bytes in chunks of the firmware's 4096-byte read buffer: 3 DataToHost messages
    assert.equal(fw.received.filter((t) => t === 0x54).length, 3);
  } finally {
    await cd.close();
    await fw.close();
    await rm(dir, { recursive: true, force: true });
  }
});

async function served(fw: Awaited<ReturnType<typeof fakeFirmware>>, dir: string) {
  const path = join(dir, 'small.iso');
  await writeFile(path, Buffer.alloc(8 * 2048));
  const cd = await DiskImage.open(path, 'cd');
  const { session } = await openIder({
    label: 'the test device',
    open: (signal) => openRedirection({ via: 'tcp', host: '127.0.0.1', port: fw.port, label: 'the test device', credentials: { user: 'admin', password: 'P@ssw0rd' } }, signal),
  }, { cd });
  return { session, cd };
}

test('a bus reset (0x46) is answered with 0x47 and reported by the next TEST UNIT READY; next boot is the default start mode', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'amtwb-ider-'));
  const fw = await fakeFirmware();
  const { session, cd } = await served(fw, dir);
  try {
    assert.equal(fw.iderToggle, 0x09);
    await fw.packet([0x00]);
    await fw.busReset();
    assert.deepEqual((await fw.packet([0x00])).sense, [0x06, 0x29, 0x00]);
    await session.close();
  } finally {
    await cd.close();
    await fw.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a firmware message out of sequence ends the session with a reason naming both numbers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'amtwb-ider-'));
  const fw = await fakeFirmware();
  const { session, cd } = await served(fw, dir);
  try {
    const ended = once(session, 'ended');
    fw.skipSequence();
    void fw.packet([0x00]);
    const [state, reason] = (await ended) as [string, string];
    assert.equal(state, 'ended');
    assert.match(reason, /numbered an IDE-R message 3 where 2 was due/);
  } finally {
    await cd.close();
    await fw.close();
    await rm(dir, { recursive: true, force: true });
  }
});
