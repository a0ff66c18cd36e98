/**
 * The product's redirection client (server/src/features/redirection: openSol / openIder over
 * targets/redirection.ts) facing a hostile firmware: a raw TCP server on 127.0.0.1 that follows
 * the protocol (session start, digest log-on, SOL or IDE-R start, DisableEnableFeatures, ATAPI
 * packets) and corrupts one step: a bad status byte, a short reply then a close, a huge OEM
 * length in 0x11 / 0x41, a huge auth data length in 0x14, a wrong firmware sequence number in
 * IDE-R, an unknown type, a failed log-on, a close mid-message; once a session runs, random 0x50
 * packets (random CDBs, WRITE(10) 0x2A with transfer lengths past the image, random drive-select,
 * feature and ATA command bytes), SOL data whose declared length runs past the message, random
 * bytes, and a close at a random point.
 *
 * Asserted per case:
 * - every failure (open() rejecting, or the session's `ended` reason) is an AmtError / a sentence:
 *   one line ending with a period, no `undefined`, `[object`, stack frame or the password;
 * - at most one digest response per connection, none after a failure status, and one connection
 *   per attempt (no log-on retried);
 * - the session ends (its link closes) once the firmware is done; a case not ended within
 *   CASE_LIMIT_MS fails as a hang;
 * - no uncaught exception or unhandled rejection; the image files are byte-for-byte unchanged.
 * Seeded from FUZZ_SEED (default fixed, printed); FUZZ_CASES cases (default 400).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AmtError } from '../../server/src/errors';
import { openIder, openSol, type RedirectionTarget } from '../../server/src/features/redirection/connect';
import { DiskImage } from '../../server/src/features/redirection/image';
import { openRedirection } from '../../server/src/targets/redirection';
import { seededRandom } from '../helpers/seeded';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204) >>> 0;
const CASES = Number(process.env.FUZZ_CASES ?? 400);
const CASE_LIMIT_MS = 15_000;
/** The client's handshake timeout in these cases (a stalling firmware costs this much). */
const HANDSHAKE_MS = 400;
const PASSWORD = 'Fuzz-P@ssw0rd-7Q';
const LABEL = 'the fuzz device';

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

/** Console → firmware lengths (written here from the spec, so the client's own reader is not its judge). */
function consoleLength(b: Buffer): number | undefined {
  const fixed: Record<number, number> = { 0x10: 8, 0x12: 4, 0x20: 24, 0x22: 8, 0x24: 8, 0x25: 8, 0x27: 14, 0x2b: 8, 0x40: 18, 0x42: 8, 0x45: 8, 0x47: 8, 0x48: 13, 0x51: 31, 0x52: 31 };
  const f = fixed[b[0]!];
  if (f !== undefined) return f;
  if (b[0] === 0x13) return b.length >= 9 ? 9 + b.readUInt32LE(5) : undefined;
  if (b[0] === 0x28) return b.length >= 10 ? 10 + b.readUInt16LE(8) : undefined;
  if (b[0] === 0x54) return b.length >= 11 ? 34 + b.readUInt16LE(9) : undefined;
  throw new Error(`the client sent an unknown message type 0x${b[0]!.toString(16)}`);
}

function head(type: number, seq: number, extra: number, attributes = 0): Buffer {
  const b = Buffer.alloc(8 + extra);
  b[0] = type;
  b[3] = attributes;
  b.writeUInt32LE(seq >>> 0, 4);
  return b;
}

function authReply(status: number, type: number, data: Buffer): Buffer {
  const b = Buffer.from([0x14, status, 0, 0, type, 0, 0, 0, 0]);
  b.writeUInt32LE(data.length, 5);
  return Buffer.concat([b, data]);
}
const strings = (...v: string[]) => Buffer.concat(v.map((s) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s)])));

/** One connection of the hostile firmware: whole console messages in order, and what it saw. */
class Wire {
  private acc = Buffer.alloc(0);
  private readonly queue: Buffer[] = [];
  closed = false;
  digestResponses = 0;
  afterFailure = 0;
  failed = false;
  readonly types: number[] = [];
  private readonly events = new EventEmitter();
  private markIdle!: () => void;
  /** Resolves once the firmware has nothing more to do but wait for the console's end. */
  readonly idle = new Promise<void>((resolve) => (this.markIdle = resolve));

  constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.acc = Buffer.concat([this.acc, c]);
      for (;;) {
        const n = this.acc.length ? consoleLength(this.acc) : undefined;
        if (!n || this.acc.length < n) break;
        const m = Buffer.from(this.acc.subarray(0, n));
        this.acc = this.acc.subarray(n);
        this.types.push(m[0]!);
        if (m[0] === 0x13) {
          if (this.failed) this.afterFailure++;
          // A digest response is the one that carries a realm (the challenge request's is empty).
          if ((m[4] === 3 || m[4] === 4) && m.length > 10 && m[9 + 1 + m[9]!] !== 0) this.digestResponses++;
        }
        this.queue.push(m);
        this.events.emit('m');
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.events.emit('m');
    });
  }

  /** The next console message, undefined once the connection closed. */
  async next(): Promise<Buffer | undefined> {
    while (!this.queue.length) {
      if (this.closed) return undefined;
      await once(this.events, 'm');
    }
    return this.queue.shift();
  }

  send(b: Buffer): void {
    if (!this.closed) this.socket.write(b);
  }

  waiting(): void {
    this.markIdle();
  }

  async gone(): Promise<void> {
    while (!this.closed) await once(this.events, 'm');
  }
}

/** Where the firmware corrupts its answer, and how. */
type Step = 'start' | 'query' | 'challenge' | 'result' | 'kind-start' | 'features' | 'session' | 'none';
const STEPS: readonly Step[] = ['start', 'query', 'challenge', 'result', 'kind-start', 'features', 'session', 'session', 'session', 'none'];

/** A corrupted form of a reply: a bad status, cut short, a huge length, another type, random bytes. */
function corrupt(r: Rng, reply: Buffer, step: Step): { bytes: Buffer; then: 'close' | 'stall' | 'continue'; what: string } {
  const b = Buffer.from(reply);
  const then = r.chance(0.85) ? 'close' : r.chance(0.5) ? 'stall' : 'continue';
  switch (r.int(6)) {
    case 0: b[1] = r.pick([1, 2, 3, 0xff, 0x7f, r.int(256)]); return { bytes: b, then: r.chance(0.5) ? then : 'continue', what: `status ${b[1]}` };
    case 1: return { bytes: b.subarray(0, r.int(b.length)), then, what: 'cut short' };
    case 2: {
      if (b[0] === 0x11) b[12] = 255;
      else if (b[0] === 0x41) b[29] = 255;
      else if (b[0] === 0x14) b.writeUInt32LE(r.pick([0x10000, 0x7fffffff, 0xffffffff]), 5);
      else if (b.length >= 8) b.writeUInt32LE(r.pick([1, 7, 1000, 0xffffffff]), 4); // a wrong sequence number
      return { bytes: b, then: r.chance(0.5) ? 'close' : 'stall', what: 'huge length or wrong sequence' };
    }
    case 3: b[0] = r.pick([0x00, 0x01, 0x15, 0x26, 0x2c, 0x30, 0x4c, 0x55, 0xf0, 0xff, r.int(256)]); return { bytes: b, then, what: `type 0x${b[0]!.toString(16)}` };
    case 4: return { bytes: r.bytes(1 + r.int(64)), then, what: 'random bytes' };
    default: if (b.length > 1) b[1 + r.int(b.length - 1)] ^= 1 + r.int(255); return { bytes: b, then: 'continue', what: `a flipped byte at ${step}` };
  }
}

interface Outcome {
  what: string;
}

/** The hostile firmware's side of one connection. */
async function firmware(r: Rng, w: Wire, kind: 'SOL' | 'IDER', bad: Step, out: Outcome): Promise<void> {
  let seq = 0;
  /** Sends `reply`, or its corruption at the chosen step; false when the script stops there. */
  const answer = async (step: Step, reply: Buffer): Promise<boolean> => {
    if (step !== bad) return (w.send(reply), true);
    const c = corrupt(r, reply, step);
    out.what = `${step}: ${c.what}, then ${c.then}`;
    w.send(c.bytes);
    if (c.then === 'close') return (w.socket.end(), false);
    if (c.then === 'stall') return (w.waiting(), await w.gone(), false);
    return true;
  };
  const ider = (type: number, extra: number, fill?: (b: Buffer) => void) => {
    const b = head(type, seq++, extra);
    fill?.(b);
    return b;
  };
  const first = await w.next();
  if (!first) return;
  const start = Buffer.alloc(13);
  start[0] = 0x11;
  if (!(await answer('start', start))) return;
  for (;;) {
    const m = await w.next();
    if (!m) return;
    if (m[0] === 0x13 && m[4] === 0) {
      if (!(await answer('query', authReply(0, 0, Buffer.from(r.pick([[3, 4], [4], [3], [1, 3, 4]])))))) return;
    } else if (m[0] === 0x13 && m[9 + 1 + m[9]!] === 0) {
      const type = m[4]!;
      if (!(await answer('challenge', authReply(1, type, strings('Digest:0123456789abcdef0123456789abcdef', 'f0f0f0f0', type === 4 ? 'auth' : ''))))) return;
    } else if (m[0] === 0x13) {
      // The log-on result: sometimes a plain refusal (a wrong password, as far as the client knows).
      const refuse = r.chance(0.15);
      if (refuse) {
        w.failed = true;
        out.what = 'result: status 1 (wrong password)';
        w.send(authReply(1, m[4]!, Buffer.alloc(0)));
        continue;
      }
      if (!(await answer('result', authReply(0, m[4]!, Buffer.alloc(0))))) return;
    } else if (m[0] === 0x20) {
      const reply = head(0x21, 0, 15);
      if (!(await answer('kind-start', reply))) return;
      const controls = head(0x29, 0, 2);
      controls[9] = 4;
      w.send(controls);
      await solSession(r, w, bad === 'session', out);
      return;
    } else if (m[0] === 0x40) {
      seq = 0;
      const reply = ider(0x41, 22, (b) => b.writeUInt16LE(r.pick([512, 2048, 4096, 8192, 1, 0]), 16));
      if (!(await answer('kind-start', reply))) return;
    } else if (m[0] === 0x48) {
      const reply = ider(0x49, 5, (b) => { b[8] = 3; b.writeUInt32LE(1, 9); });
      if (!(await answer('features', reply))) return;
      await iderSession(r, w, () => seq++, bad === 'session', out);
      return;
    } else if (m[0] === 0x12 || m[0] === 0x22 || m[0] === 0x42) {
      w.socket.end();
      return;
    }
  }
  void kind;
}

/** SOL after 0x21: host output, controls, heartbeats; hostile messages when `hostile`; then the end. */
async function solSession(r: Rng, w: Wire, hostile: boolean, out: Outcome): Promise<void> {
  const n = r.int(6);
  for (let i = 0; i < n; i++) {
    const text = r.bytes(r.int(40));
    const b = head(0x2a, 0, 2);
    b.writeUInt16LE(text.length, 8);
    w.send(Buffer.concat([b, text]));
  }
  if (hostile) {
    const k = r.int(4);
    if (k === 0) {
      const b = head(0x2a, 0, 2);
      b.writeUInt16LE(60000, 8);
      out.what = 'session: 0x2A declaring 60000 bytes, 5 sent, then close';
      w.send(Buffer.concat([b, Buffer.from('hello')]));
    } else if (k === 1) {
      out.what = 'session: random bytes';
      w.send(r.bytes(1 + r.int(100)));
    } else if (k === 2) {
      out.what = 'session: 0x43 (an IDE-R message) in SOL';
      w.send(head(0x43, 0, 0));
    } else out.what = 'session: close mid-session';
    w.socket.end();
    return;
  }
  // A well-behaved end: answer the console's 0x22 and close on 0x12.
  w.waiting();
  for (;;) {
    const m = await w.next();
    if (!m) return;
    if (m[0] === 0x22) w.send(head(0x23, 0, 0));
    if (m[0] === 0x12) return void w.socket.end();
  }
}

const OPCODES = [0x00, 0x08, 0x0a, 0x1a, 0x1b, 0x1e, 0x23, 0x25, 0x28, 0x2a, 0x2e, 0x43, 0x46, 0x4a, 0x51, 0x52, 0x5a, 0xac, 0x12, 0x03, 0xff];

/** IDE-R after 0x49: ATAPI packets (random when `hostile`), each awaited; then a close. */
async function iderSession(r: Rng, w: Wire, seq: () => number, hostile: boolean, out: Outcome): Promise<void> {
  const n = 1 + r.int(6);
  for (let i = 0; i < n; i++) {
    const b = head(0x50, seq(), 20);
    b[9] = hostile && r.chance(0.3) ? r.int(256) : 0;
    b.writeUInt16LE(r.int(65536), 12);
    b[14] = hostile ? r.int(256) : r.pick([0xa0, 0xb0]);
    b[15] = hostile && r.chance(0.2) ? r.int(256) : 0xa0;
    const cdb = hostile ? r.bytes(12) : Buffer.alloc(12);
    cdb[0] = r.pick(OPCODES);
    if (cdb[0] === 0x2a) cdb.writeUInt16BE(0xffff, 7); // WRITE(10) far past the image
    cdb.copy(b, 16);
    if (hostile && r.chance(0.2)) {
      b.writeUInt32LE(r.pick([0, 99, 0xffffffff]), 4);
      out.what = 'session: a wrong firmware sequence number';
    }
    if (hostile && r.chance(0.1)) {
      out.what = 'session: 0x50 cut short, then close';
      w.send(b.subarray(0, r.int(28)));
      w.socket.end();
      return;
    }
    if (process.env.FUZZ_TRACE) process.stderr.write(`  0x50 ${b.toString('hex')}\n`);
    w.send(b);
    // Wait for the console's answer to this packet (0x51, or a 0x54 marked completed).
    for (;;) {
      const m = await w.next();
      if (!m) return;
      if (m[0] === 0x51 || (m[0] === 0x54 && (m[3]! & 2))) break;
      if (m[0] === 0x42) return void w.socket.end();
    }
  }
  if (hostile && r.chance(0.5)) {
    out.what = 'session: random bytes, then close';
    w.send(r.bytes(1 + r.int(80)));
  }
  w.socket.end();
}

/** One sentence: one line, a final period, nothing of a stack, an undefined value, an object or the password. */
function assertSentence(text: string | undefined, label: string): void {
  assert.equal(typeof text, 'string', `${label}: a reason is given`);
  const t = text!;
  assert.ok(t.length > 10 && /\.$/.test(t), `${label}: "${t}" is a sentence ending with a period`);
  assert.ok(!/\n|undefined|\[object|\bat .*\(.*:\d+:\d+\)|NaN/.test(t), `${label}: "${t}" has no stack, undefined or object text`);
  assert.ok(!t.includes(PASSWORD), `${label}: the password is not in the message`);
}

async function within(p: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CASE_LIMIT_MS)));
  try {
    return await Promise.race([p.then(() => true), limit]);
  } finally {
    clearTimeout(timer);
  }
}

test(`the redirection client survives a hostile firmware (FUZZ_SEED=${SEED}, ${CASES} cases)`, { timeout: 10 * 60_000 }, async () => {
  const r = rng(SEED);
  const problems: unknown[] = [];
  const record = (e: unknown) => problems.push(e);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  const dir = await mkdtemp(join(tmpdir(), 'amtwb-fuzz-redir-'));
  const isoPath = join(dir, 'disc.iso');
  const imgPath = join(dir, 'floppy.img');
  await writeFile(isoPath, r.bytes(32 * 2048));
  await writeFile(imgPath, r.bytes(40 * 512));
  const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
  const before = { iso: await sha(isoPath), img: await sha(imgPath), isoTime: (await stat(isoPath)).mtimeMs, imgTime: (await stat(imgPath)).mtimeMs };
  const cd = await DiskImage.open(isoPath, 'cd');
  const floppy = await DiskImage.open(imgPath, 'floppy');
  let wires: Wire[] = [];
  let script: (w: Wire) => Promise<void> = async () => undefined;
  const server = createServer((socket) => {
    const w = new Wire(socket);
    wires.push(w);
    void script(w).catch(record).finally(() => w.waiting());
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as { port: number }).port;
  const target: RedirectionTarget = {
    label: LABEL,
    open: (signal) => openRedirection({ via: 'tcp', host: '127.0.0.1', port, label: LABEL, credentials: { user: 'admin', password: PASSWORD } }, signal),
  };
  const tally: Record<string, number> = {};
  const started = Date.now();
  try {
    for (let i = 0; i < CASES; i++) {
      const kind = r.pick(['SOL', 'IDER'] as const);
      const bad = r.pick(STEPS);
      const out: Outcome = { what: 'no corruption' };
      wires = [];
      // The firmware draws from its own generator, so network timing cannot change a case.
      const caseSeed = r.int(2 ** 31);
      const fr = rng(caseSeed);
      script = (w) => firmware(fr, w, kind, bad, out);
      const label = () => `case ${i} (seed ${SEED}, case seed ${caseSeed}, ${kind}, ${out.what})`;
      if (process.env.FUZZ_TRACE) process.stderr.write(`case ${i} ${kind} ${bad} ${caseSeed}\n`);
      const body = async () => {
        let reason: string | undefined;
        let ended: Promise<unknown> | undefined;
        let session: { open: boolean; close(): Promise<void>; link: { closed: boolean } } | undefined;
        try {
          if (kind === 'SOL') {
            const s = (await openSol(target, { timeoutMs: HANDSHAKE_MS })).session;
            // A session can end inside open() (the firmware's end came with its start reply).
            ended = s.open ? once(s, 'ended').then(([why]) => (reason = why as string | undefined)) : Promise.resolve();
            session = s;
          } else {
            const s = (await openIder(target, { cd, floppy, startMode: r.pick(['now', 'next-boot', 'graceful'] as const), timeoutMs: HANDSHAKE_MS })).session;
            ended = s.open ? once(s, 'ended').then(([, why]) => (reason = why as string | undefined)) : Promise.resolve();
            session = s;
          }
        } catch (err) {
          assert.ok(err instanceof AmtError, `${label()}: open() failed with ${String(err)}, not an AmtError`);
          assertSentence(err.message, label());
          tally[err.code] = (tally[err.code] ?? 0) + 1;
        }
        if (session) {
          tally.opened = (tally.opened ?? 0) + 1;
          // The firmware ends what it started; a well-behaved one waits for the console's end.
          await Promise.race([ended, wires[0]!.idle]);
          if (session.open) await session.close();
          await ended;
          assert.equal(session.open, false, `${label()}: the session ended`);
          if (reason !== undefined) assertSentence(reason, label());
        }
        for (const w of wires) await w.gone();
      };
      assert.ok(await within(body()), `${label()}: did not end within ${CASE_LIMIT_MS} ms`);
      assert.equal(wires.length, 1, `${label()}: one connection per attempt (no retried log-on)`);
      const w = wires[0]!;
      assert.ok(w.digestResponses <= 1, `${label()}: ${w.digestResponses} digest responses on one connection`);
      assert.equal(w.afterFailure, 0, `${label()}: a log-on message after the failure status`);
      assert.deepEqual(problems, [], `${label()}: no uncaught exception or unhandled rejection`);
    }
  } finally {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
    await cd.close();
    await floppy.close();
    for (const w of wires) w.socket.destroy();
    await new Promise<void>((res) => server.close(() => res()));
  }
  const after = { iso: await sha(isoPath), img: await sha(imgPath), isoTime: (await stat(isoPath)).mtimeMs, imgTime: (await stat(imgPath)).mtimeMs };
  await rm(dir, { recursive: true, force: true });
  console.log(`# ${CASES} cases in ${Date.now() - started} ms: ${JSON.stringify(tally)}`);
  assert.deepEqual(after, before, 'the image files were never written');
  assert.deepEqual(problems, []);
});
