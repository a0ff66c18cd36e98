/**
 * The simulator's redirection service (server/src/sim/redirection) against hostile consoles, fed
 * through in-memory stream pairs as APF channels are: a console that starts a session (sometimes
 * logging on, sometimes opening SOL or IDE-R with the drives enabled while the host sends packets),
 * then sends mutated messages (flipped bytes, wrong lengths, wrong sequence numbers, unknown
 * types, random bytes), split at random points, and sometimes vanishes mid-message.
 *
 * Asserted: zero process-level errors ('uncaughtException', 'unhandledRejection'), every case's
 * session ends (no kind stays held, the host's bus is detached), every host packet settles, and a
 * well-behaved console logs on after each case. Seeded from FUZZ_SEED (default fixed, printed),
 * FUZZ_CASES cases (default 400).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Duplex } from 'node:stream';
import { test } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator } from '../../server/src/sim';
import type { IderBus } from '../../server/src/sim/host/links';
import { Console, SOL_START, authMessage, header, readStrings, sessionEnd, startSession, strings } from '../integration/sim/redirection/console';
import { IderStandIn, SerialStandIn } from '../integration/sim/redirection/stand-ins';
import { seededDraws } from '../helpers/seeded';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203) >>> 0;
const CASES = Number(process.env.FUZZ_CASES ?? 400);
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Two connected in-memory Duplex ends, as an APF channel and its peer. */
function pair(): [Duplex, Duplex] {
  let a: Duplex;
  let b: Duplex;
  const end = (self: () => Duplex, other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk, _enc, cb) {
        other().push(chunk);
        cb();
      },
      final(cb) {
        other().push(null);
        cb();
      },
      destroy(err, cb) {
        other().destroy();
        cb(err);
      },
    });
  a = end(() => a, () => b);
  b = end(() => b, () => a);
  return [a, b];
}

const rng = seededDraws;

test(`redirection service vs hostile consoles (seed ${SEED}, ${CASES} cases)`, async (t) => {
  const errors: unknown[] = [];
  const onError = (e: unknown) => errors.push(e);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  const sim = await startSimulator({ port: 0 });
  const host = new IderStandIn();
  const serial = new SerialStandIn();
  serial.echo = true;
  sim.redirection.setHostLinks({ ider: host, serial });
  const r = rng(SEED);
  const seen = { attached: 0, packets: 0, errors: 0 };
  const { user, password } = DEFAULT_ACCOUNT;
  try {
    for (let i = 0; i < CASES; i++) {
      const [ours, theirs] = pair();
      const c = new Console(ours);
      const ended = sessionEnd(sim.device);
      sim.handleConnection(theirs, 16994);
      const packets: Promise<unknown>[] = [];
      const onBus = (bus: IderBus) => {
        seen.attached++;
        for (let k = r.int(3); k >= 0; k--, seen.packets++) packets.push(bus.packet(r.pick(['cd', 'floppy'] as const), r.bytes(12), r.int(4096)).catch(() => undefined));
      };
      host.on('attach', onBus);
      const stage = r.int(4);
      const kind = stage >= 2 ? r.pick(['SOL ', 'IDER']) : r.pick(['SOL ', 'IDER', 'KVMR', 'XXXX']);
      let seq = 0;
      const valid: Buffer[] = [];
      try {
        if (stage >= 1) {
          c.send(startSession(kind));
          if ((await c.next())[1] === 0 && stage >= 2) {
            c.send(authMessage(4, strings(user, '', '', '/RedirectionService', '', '', '', '')));
            const [realm, nonce, qop] = readStrings((await c.expect(0x14)).subarray(9));
            const resp = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:00000002:c:${qop}:${md5('POST:/RedirectionService')}`);
            c.send(authMessage(4, strings(user, realm, nonce, '/RedirectionService', 'c', '00000002', resp, qop)));
            await c.expect(0x14);
            if (stage >= 3 && kind === 'SOL ') valid.push(SOL_START, Buffer.concat([header(0x28, 0, [3, 0]), Buffer.from('abc')]));
            if (stage >= 3 && kind === 'IDER') {
              valid.push(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0x30, 0x75, 0, 0, 0, 0, 1, 0, 0, 0]));
              const body = Buffer.alloc(5);
              body[0] = 3;
              body.writeUInt32LE(0x19, 1);
              valid.push(header(0x48, ++seq, body));
              valid.push(header(0x51, ++seq, Buffer.alloc(23), 2), header(0x54, ++seq, Buffer.concat([Buffer.from([0, 4, 0]), Buffer.alloc(23), r.bytes(4)]), 2));
            }
          }
        }
      } catch {
        // The firmware closed early (a refusal): the case still has to end cleanly.
      }
      // Valid messages, then mutated ones, written in random splits; sometimes the console vanishes.
      const mutate = (m: Buffer) => {
        const b = Buffer.from(m);
        const what = r.int(5);
        if (what === 0 && b.length) b[r.int(b.length)] ^= 1 << r.int(8);
        if (what === 1) return b.subarray(0, r.int(b.length + 1));
        if (what === 2) return Buffer.concat([b, r.bytes(r.int(16))]);
        if (what === 3) return r.bytes(1 + r.int(40));
        if (what === 4 && b.length >= 8) b.writeUInt32LE(r.int(1000), 4);
        return b;
      };
      const stream = Buffer.concat([...valid, ...Array.from({ length: 1 + r.int(4) }, () => mutate(r.pick([...valid, startSession('SOL '), header(0x2b), header(0x42, seq + 1)])))]);
      for (let at = 0; at < stream.length && !c.closed; ) {
        const n = 1 + r.int(stream.length - at);
        c.send(stream.subarray(at, at + n));
        at += n;
        await new Promise((res) => setImmediate(res));
      }
      if (r.chance(0.5) || !c.closed) c.close();
      if ((await ended).event === 'ended-by-error') seen.errors++;
      await Promise.all(packets);
      host.off('attach', onBus);
      assert.deepEqual(sim.redirection.openKinds, [], `case ${i}: a session kind stayed held`);
      assert.equal(host.bus, undefined, `case ${i}: the host kept its IDE-R bus`);
    }
    const [ours, theirs] = pair();
    const c = new Console(ours);
    sim.handleConnection(theirs, 16994);
    assert.deepEqual(await c.logOn('SOL ', user, password), { start: 0, auth: 0 });
    c.close();
    t.diagnostic(`buses lent ${seen.attached}, host packets ${seen.packets}, sessions ended by error ${seen.errors}`);
    assert.ok(seen.attached > 0 && seen.errors > 0, 'the cases reached enabled IDE-R drives and broke sessions');
  } finally {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
    await sim.close();
  }
  assert.deepEqual(errors, []);
});
