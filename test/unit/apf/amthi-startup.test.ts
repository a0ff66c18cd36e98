/**
 * The AMTHI queries Intel LMS makes at start-up (Intel LMS sources, MEIClient/AMTHIClient) are answered
 * with status 0 and the data layout LMS parses, over the in-memory MEI pair.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmthiFirmware, AMTHI_GUID } from '../../../server/src/sim/firmware/amthi';
import { sampleDeviceFacts } from '../../../server/src/sim/firmware/facts';
import { memoryMei } from '../../helpers/mei-pair';

async function ask(command: number, data: Buffer = Buffer.alloc(0)) {
  const fw = new AmthiFirmware(sampleDeviceFacts());
  const conn = await memoryMei([fw]).open(AMTHI_GUID);
  const head = Buffer.alloc(12);
  head.writeUInt8(1, 0);
  head.writeUInt8(1, 1);
  head.writeUInt32LE(command, 4);
  head.writeUInt32LE(data.length, 8);
  await conn.write(Buffer.concat([head, data]));
  const reply = await conn.read();
  conn.close();
  assert.equal(reply.readUInt32LE(4), (command | 0x00800000) >>> 0, 'response command');
  assert.equal(reply.readUInt32LE(8), reply.length - 12, 'response length');
  return { fw, status: reply.readUInt32LE(12), data: reply.subarray(16) };
}

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};

test('redirection sessions, System Defense, web UI, EAC and KVM states (0x04000049) echo the feature id with its state', async () => {
  const expected: Record<number, number[]> = { 0: [0, 0, 0], 1: [0], 2: [1], 3: [0], 4: [0] };
  for (const [id, state] of Object.entries(expected)) {
    const r = await ask(0x04000049, u32(Number(id)));
    assert.equal(r.status, 0, `feature ${id}`);
    assert.equal(r.data.readUInt32LE(0), Number(id));
    assert.deepEqual([...r.data.subarray(4)], state, `feature ${id}`);
  }
  assert.equal((await ask(0x04000049, u32(9))).status, 0x24, 'an unknown feature id is INVALID_PARAMETER');
});

test('GetLastHostResetReason (0x0400004A) answers a reason and a time stamp', async () => {
  const r = await ask(0x0400004a);
  assert.equal(r.status, 0);
  assert.equal(r.data.length, 8);
});

test('SetHostFQDN (0x0400005B) succeeds and keeps the FQDN; a wrong string length is refused', async () => {
  const fqdn = Buffer.from('host.example.com', 'latin1');
  const len = Buffer.alloc(2);
  len.writeUInt16LE(fqdn.length);
  const r = await ask(0x0400005b, Buffer.concat([len, fqdn]));
  assert.equal(r.status, 0);
  assert.equal(r.fw.startup.hostFqdn, 'host.example.com');
  assert.equal((await ask(0x0400005b, Buffer.concat([len, fqdn.subarray(1)]))).status, 0x4);
});

test('GetAMTState (0x01000001, LMS "GetMEState") echoes the state-variable id and five state bytes', async () => {
  const id = Buffer.alloc(16);
  id[15] = 1;
  const r = await ask(0x01000001, id);
  assert.equal(r.status, 0);
  assert.deepEqual(r.data.subarray(0, 16), id);
  assert.equal(r.data.readUInt32LE(16), 5);
  assert.equal(r.data.length, 25);
});

test('a command no firmware knows is still INVALID_COMMAND', async () => {
  assert.equal((await ask(0x040000ff)).status, 0x803);
});
