/**
 * The simulator's redirection service (server/src/sim/redirection, the firmware side of ports
 * 16994/16995) on hostile console bytes, over real sockets on 127.0.0.1. Each case opens a TCP
 * connection, optionally runs a valid prefix (StartRedirectionSession of SOL, IDE-R, KVM or an
 * unknown tag; the digest log-on; StartSOLRedirection or StartIDERRedirection), then sends one of:
 * random bytes; valid messages of that stage with one mutation (flipped byte, truncation, extra
 * bytes, another type, an edge value in a length or sequence field); a huge declared length
 * (0x13 auth data, 0x28 SOL data, 0x54 IDE-R data) with only the header sent; an IDE-R message
 * with a wrong sequence number; a type the protocol lacks; a message cut off by an abrupt close;
 * valid SOL data split at random points.
 *
 * Asserted per case:
 * - no uncaught exception or unhandled rejection (the simulator runs in this process);
 * - the connection ends: the firmware closes it by itself for the fatal kinds (huge length,
 *   unknown type, wrong IDE-R sequence), and at the latest after the console half-closes for the
 *   rest; a case not ended within CASE_LIMIT_MS fails as a hang;
 * - the session history notes exactly one end for the connection, as 'ended-by-error' with the
 *   reason for the fatal kinds; a SOL or IDE-R session that was opened has its close in the audit
 *   log (1805 / 1801) and the event log (sensor type 192, data 1 / 3);
 * - afterwards a correct SOL session (digest log-on as the admin, StartSOLRedirection, `\r`)
 *   reaches the simulated host's `login: ` prompt.
 * And over the whole run: the process's RSS grew by less than MAX_RSS_GROWTH (a declared length
 * of 4 GiB must neither be allocated nor awaited).
 *
 * Seeded from FUZZ_SEED (default fixed, printed); FUZZ_CASES cases (default 1500, about 20 s).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../server/src/sim';
import { auditLog } from '../../server/src/sim/audit/log';
import { REDIRECTION_AUDIT, type SessionEntry } from '../../server/src/sim/redirection/logs';
import { Console, SOL_START, authMessage, header, startSession } from '../integration/sim/redirection/console';
import { seededRandom } from '../helpers/seeded';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203) >>> 0;
const CASES = Number(process.env.FUZZ_CASES ?? 1500);
/** A case (or the SOL check after it) not finished by then counts as a hang. */
const CASE_LIMIT_MS = 15_000;
const MAX_RSS_GROWTH = 256 * 1024 * 1024;
const { user, password } = DEFAULT_ACCOUNT;

function rng(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  return {
    int,
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
  };
}
type Rng = ReturnType<typeof rng>;

type Stage = 'none' | 'started' | 'authed' | 'sol' | 'ider';
type Tag = 'SOL ' | 'IDER' | 'KVMR' | 'ABCD';
/** Console message types the firmware knows; anything else is out of the protocol. */
const KNOWN = new Set([0x10, 0x12, 0x13, 0x20, 0x22, 0x24, 0x25, 0x27, 0x28, 0x2b, 0x40, 0x42, 0x44, 0x45, 0x47, 0x48, 0x4b, 0x51, 0x52, 0x54]);
const UNKNOWN = Array.from({ length: 256 }, (_, i) => i).filter((t) => !KNOWN.has(t));
const EDGE_U32 = [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 2048, 2049, 8192, 8193, 65535];

/** SOL data to the host (0x28). */
function solData(bytes: Buffer, seq = 0): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16LE(bytes.length);
  return header(0x28, seq, Buffer.concat([len, bytes]));
}

/** IDE-R DataToHost (0x54) with `n` data bytes. */
function iderData(seq: number, n: number, declared = n): Buffer {
  const body = Buffer.alloc(26 + n);
  body.writeUInt16LE(declared, 1);
  return header(0x54, seq, body, 2);
}

const IDER_START = header(0x40, 0, [0x30, 0x75, 0, 0, 0x20, 0x4e, 1, 0, 0, 0]);

/** Valid console messages for a stage (the base of mutations); `seq` numbers IDE-R ones. */
function validMessages(r: Rng, stage: Stage, seq: number): Buffer[] {
  switch (stage) {
    case 'none': return [startSession(r.pick(['SOL ', 'IDER', 'KVMR']))];
    case 'started': return [authMessage(0, Buffer.alloc(0)), authMessage(4, r.bytes(r.int(40)))];
    case 'authed': return [r.chance(0.5) ? SOL_START : IDER_START];
    case 'sol': return [solData(r.bytes(1 + r.int(32))), header(0x2b), header(0x24, r.int(100)), header(0x27, 2, [0, 0, 0x1b, 0, 0, 0]), header(0x22)];
    case 'ider': return [
      header(0x48, seq, [r.pick([1, 2, 3]), r.int(256), 0, 0, 0]), header(0x45, seq + 1), header(0x4b, seq + 2),
      header(0x51, seq + 3, Buffer.alloc(23), 2), iderData(seq + 4, r.int(64)),
    ];
  }
}

function mutate(r: Rng, msg: Buffer): Buffer {
  const b = Buffer.from(msg);
  switch (r.int(6)) {
    case 0: if (b.length) b[r.int(b.length)] ^= 1 + r.int(255); return b;
    case 1: return b.subarray(0, r.int(b.length));
    case 2: return Buffer.concat([b, r.bytes(1 + r.int(16))]);
    case 3: if (b.length) b[0] = r.chance(0.5) ? r.pick([...KNOWN]) : r.int(256); return b;
    case 4: if (b.length >= 9) b.writeUInt32LE(r.pick(EDGE_U32), 4 + r.int(Math.min(b.length - 8, 6))); return b;
    default: return r.bytes(r.int(80));
  }
}

/** Writes `bytes` cut at random points, letting the event loop run between the pieces. */
async function sendSplit(r: Rng, c: Console, bytes: Buffer): Promise<void> {
  let at = 0;
  while (at < bytes.length) {
    const n = 1 + r.int(Math.max(1, Math.min(bytes.length - at, r.chance(0.3) ? 3 : 200)));
    c.send(bytes.subarray(at, at + n));
    at += n;
    if (r.chance(0.5)) await new Promise((res) => setImmediate(res));
  }
}

/** Runs the valid prefix; returns the stage reached (a refusal or failed log-on stops earlier). */
async function prefix(c: Console, tag: Tag, want: Stage): Promise<Stage> {
  if (want === 'none') return 'none';
  if (want === 'started' || tag === 'ABCD') {
    c.send(startSession(tag));
    return (await c.expect(0x11))[1] === 0 ? 'started' : 'none';
  }
  const on = await c.logOn(tag, user, password);
  if (on.start !== 0) return 'none'; // KVM needs user consent on the default device: refused with ERROR
  assert.equal(on.auth, 0, `a valid ${tag} log-on after the earlier cases`);
  if (want === 'authed' || tag === 'KVMR') return 'authed';
  if (tag === 'SOL ') {
    c.send(SOL_START);
    assert.equal((await c.expect(0x21))[1], 0);
    return 'sol';
  }
  c.send(IDER_START);
  assert.equal((await c.expect(0x41))[1], 0);
  return 'ider';
}

interface Plan {
  what: string;
  /** The firmware must end the connection by itself, with a reason matching this. */
  fatal?: RegExp;
  run(c: Console, stage: Stage): Promise<void>;
}

function plan(r: Rng, stage: Stage): Plan {
  switch (r.int(8)) {
    case 0: return { what: 'random bytes', run: async (c) => sendSplit(r, c, r.bytes(1 + r.int(300))) };
    case 1: {
      const msgs = validMessages(r, stage, 1);
      const at = r.int(msgs.length);
      return { what: 'one mutated message', run: async (c) => sendSplit(r, c, Buffer.concat(msgs.map((m, i) => (i === at ? mutate(r, m) : m)))) };
    }
    case 2: {
      const kind = r.int(3);
      const huge = r.pick([8193, 65535, 0x10000, 0xffffffff, 2049, 1 << 30]);
      const head = kind === 0 ? Buffer.from([0x13, 0, 0, 0, 4, 0, 0, 0, 0]) : kind === 1 ? header(0x28, 0, [0, 0]) : header(0x54, 1, Buffer.alloc(3), 2);
      if (kind === 0) head.writeUInt32LE(huge >>> 0, 5);
      else head.writeUInt16LE(Math.max(8193, huge & 0xffff), kind === 1 ? 8 : 9);
      return { what: `a huge declared length in 0x${head[0]!.toString(16)}`, fatal: /at most/, run: async (c) => sendSplit(r, c, head) };
    }
    case 3: {
      const type = r.pick(UNKNOWN);
      return { what: `unknown type 0x${type.toString(16)}`, fatal: /unknown message type/, run: async (c) => sendSplit(r, c, Buffer.concat([Buffer.from([type]), r.bytes(r.int(20))])) };
    }
    case 4: {
      if (stage !== 'ider') break;
      const bad = r.pick([0, 1, 3, 100, 0xffffffff]);
      return {
        what: `IDE-R sequence ${bad} after 1`, fatal: /sequence number/,
        run: async (c) => {
          c.send(header(0x48, 1, [2, 0, 0, 0, 0]));
          assert.equal((await c.expect(0x49))[0], 0x49);
          c.send(header(0x45, bad));
          const m = await c.next().catch(() => undefined);
          assert.ok(m === undefined || m[0] === 0x4a, `ErrorOccurred (0x4a) before the close, got 0x${m?.[0]?.toString(16)}`);
        },
      };
    }
    case 5: {
      const whole = r.pick(validMessages(r, stage, 1));
      const cut = whole.subarray(0, r.int(whole.length));
      return { what: 'an abrupt close mid-message', run: async (c) => { await sendSplit(r, c, cut); c.close(); } };
    }
    case 6: {
      if (stage !== 'sol') break;
      return {
        what: 'SOL data split at random points',
        run: async (c) => {
          const text = Buffer.from('\r');
          await sendSplit(r, c, Buffer.concat([header(0x27, 2, [0, 0, 0x1b, 0, 0, 0]), solData(Buffer.alloc(0)), solData(text, 3), header(0x2b, 4)]));
          await hostPrompt(c, false);
        },
      };
    }
    default: break;
  }
  const many = validMessages(r, stage, 1).map((m) => (r.chance(0.4) ? mutate(r, m) : m));
  return { what: 'several messages, some mutated', run: async (c) => sendSplit(r, c, Buffer.concat(many)) };
}

/** Waits for the host's `login: ` prompt on SOL (answering a `Password: ` left by random keys). */
async function hostPrompt(c: Console, fail = true): Promise<void> {
  let text = '';
  for (;;) {
    const m = await c.next().catch((err: Error) => {
      if (fail) throw new Error(`${err.message} before the host's login prompt; it printed ${JSON.stringify(text.slice(-200))}`);
      return undefined;
    });
    if (!m) return;
    if (m[0] !== 0x2a) continue;
    text += m.subarray(10).toString('latin1');
    if (/login: $/.test(text)) return;
    if (/Password: $/.test(text)) c.send(solData(Buffer.from('\r')));
  }
}

/** Resolves true when `p` settles within the case limit, false when it does not. */
async function within<T>(p: Promise<T>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CASE_LIMIT_MS)));
  try {
    return await Promise.race([p.then(() => true), limit]);
  } finally {
    clearTimeout(timer);
  }
}

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ port: 0, redirectionPort: 0 });
});
after(() => sim?.close());

test(`the redirection service survives hostile consoles (FUZZ_SEED=${SEED}, ${CASES} cases)`, { timeout: 10 * 60_000 }, async () => {
  const r = rng(SEED);
  const problems: unknown[] = [];
  const record = (e: unknown) => problems.push(e);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  const notes: SessionEntry[] = [];
  const onNote = (e: SessionEntry) => notes.push(e);
  sim.device.on('redirection', onNote);
  const closes = () => {
    const audits = auditLog(sim.device).records.filter((x) => x.appId === 18);
    const events = sim.device.logRecords().filter((x) => x.sensorType === 192).map((x) => x.eventData[2]);
    return {
      sol: audits.filter((x) => x.eventId === REDIRECTION_AUDIT.SolClosed[1]).length, ider: audits.filter((x) => x.eventId === REDIRECTION_AUDIT.IderClosed[1]).length,
      solEvents: events.filter((x) => x === 1).length, iderEvents: events.filter((x) => x === 3).length,
    };
  };
  const rss0 = process.memoryUsage().rss;
  const started = Date.now();
  const tally: Record<string, number> = {};
  try {
    for (let i = 0; i < CASES; i++) {
      const tag = r.pick<Tag>(['SOL ', 'SOL ', 'IDER', 'IDER', 'KVMR', 'ABCD']);
      const want = r.pick<Stage>(['none', 'started', 'authed', 'sol', 'ider', 'sol', 'ider']);
      const c = await Console.tcp(sim.redirectionPort!);
      c.stream.on('end', () => c.close());
      notes.length = 0;
      // Both logs wrap (390 and 500 records); emptied per case so this case's records are countable.
      sim.device.clearLog();
      auditLog(sim.device).records.length = 0;
      const before = closes();
      let label = `case ${i} (seed ${SEED}, ${tag.trim()}, prefix ${want})`;
      const body = async () => {
        const stage = await prefix(c, tag, want);
        const p = plan(r, stage);
        label += `: ${p.what} at stage ${stage}`;
        tally[p.what.replace(/ 0x\w+| \d+ after 1/g, '')] = (tally[p.what.replace(/ 0x\w+| \d+ after 1/g, '')] ?? 0) + 1;
        // A refused start already ended the connection: what follows it is not what ends it.
        const fatal = c.closed || notes.some((n) => n.event === 'refused') ? undefined : p.fatal;
        await p.run(c, stage);
        if (fatal) {
          assert.ok(await within(c.closedByFirmware()), `${label}: the firmware did not close the connection by itself within ${CASE_LIMIT_MS} ms`);
        } else c.stream.end();
        if (!c.closed) await c.closedByFirmware();
        while (!notes.some((n) => n.event === 'closed' || n.event === 'ended-by-error')) await once(sim.device, 'redirection');
        const ends = notes.filter((n) => n.event === 'closed' || n.event === 'ended-by-error');
        assert.equal(ends.length, 1, `${label}: one end noted, got ${JSON.stringify(ends)}`);
        if (fatal) {
          assert.equal(ends[0]!.event, 'ended-by-error', label);
          assert.match(ends[0]!.reason ?? '', fatal, label);
        }
        const opened = notes.find((n) => n.event === 'opened');
        const now = closes();
        if (opened?.kind === 'SOL') assert.deepEqual([now.sol - before.sol, now.solEvents - before.solEvents], [1, 1], `${label}: SoL closed audited (1805) and in the event log`);
        if (opened?.kind === 'IDER') assert.deepEqual([now.ider - before.ider, now.iderEvents - before.iderEvents], [1, 1], `${label}: IDE-R closed audited (1801) and in the event log`);
      };
      assert.ok(await within(body()), `${label}: did not finish within ${CASE_LIMIT_MS} ms`);
      c.close();
      assert.deepEqual(problems, [], `${label}: no uncaught exception or unhandled rejection`);
      // The next console gets a working SOL session and the host's login prompt.
      const check = await Console.tcp(sim.redirectionPort!);
      const ok = within((async () => {
        assert.deepEqual(await check.logOn('SOL ', user, password), { start: 0, auth: 0 }, `${label}: the next SOL log-on`);
        check.send(SOL_START);
        assert.equal((await check.expect(0x21))[1], 0);
        check.send(solData(Buffer.from('\r'), 2));
        await hostPrompt(check);
        const end = once(sim.device, 'redirection');
        check.send(Buffer.from([0x12, 0, 0, 0]));
        await check.closedByFirmware();
        await end;
      })());
      assert.ok(await ok, `${label}: the SOL session after it did not reach the login prompt within ${CASE_LIMIT_MS} ms`);
      check.close();
    }
  } finally {
    sim.device.off('redirection', onNote);
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  }
  const growth = process.memoryUsage().rss - rss0;
  console.log(`# ${CASES} cases in ${Date.now() - started} ms, RSS +${(growth / 1e6).toFixed(1)} MB: ${JSON.stringify(tally)}`);
  assert.ok(growth < MAX_RSS_GROWTH, `RSS grew by ${growth} bytes`);
  assert.deepEqual(problems, []);
});
