/**
 * The LMS-role APF session (server/src/apf) against hostile firmware bytes, over the in-memory MEI
 * pair: a firmware that follows the APF handshake and answers channels, but mutates its messages
 * (flipped bytes, truncations, extra bytes, wrong lengths and counts, other message types), sends
 * unexpected messages (channel ids nobody opened, answers twice, data before a confirmation, data
 * past the window, huge window adjusts), and resets or drops the connection at random points —
 * in particular while a CHANNEL_OPEN awaits its confirmation. The host opens channels, sends on
 * them, reads from some, leaves others with no listener at all, and pings.
 *
 * Asserted: zero process-level errors ('uncaughtException', 'unhandledRejection' — an 'error'
 * emitted with no listener is one), no case that does not finish, and no channel still open on
 * APF after its session ended. Seeded from FUZZ_SEED (default fixed, printed), FUZZ_CASES cases (default
 * 10,000).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ApfSession } from '../../server/src/apf/session';
import type { ApfChannel } from '../../server/src/apf/channel';
import { decode, encode, type ApfMessage } from '../../server/src/apf/codec';
import { LME_GUID } from '../../server/src/apf/constants';
import type { FirmwareClient, FirmwareConnection } from '../../server/src/sim/mei/firmware';
import { memoryMei } from '../helpers/mei-pair';
import { seededDraws, type SeededDraws } from '../helpers/seeded';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202) >>> 0;
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const MAX = 4155;
/** A case that has not finished by then counts as a hang. */
const CASE_LIMIT_MS = 10_000;

/** The seeded PRNG with the picks the cases use. */
const rng = seededDraws;
type Rng = SeededDraws;

const EDGE_U32 = [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 4155, 4146, 65536];

/** One random corruption of a valid message. */
function mutate(r: Rng, msg: Buffer): Buffer {
  const b = Buffer.from(msg);
  switch (r.int(7)) {
    case 0: // flip a byte
      if (b.length) b[r.int(b.length)] ^= 1 + r.int(255);
      return b;
    case 1: // truncate
      return b.subarray(0, r.int(b.length));
    case 2: // extra bytes
      return Buffer.concat([b, Buffer.from(Array.from({ length: 1 + r.int(8) }, () => r.int(256)))]).subarray(0, MAX);
    case 3: // another message type
      if (b.length) b[0] = r.pick([1, 5, 6, 50, 52, 80, 81, 82, 90, 91, 92, 93, 94, 97, 192, 208, 209, 210, 211, r.int(256)]);
      return b;
    case 4: // a u32 field (length, id, window, port) set to an edge value
      if (b.length >= 5) b.writeUInt32BE(r.pick(EDGE_U32), 1 + 4 * r.int(Math.floor((b.length - 1) / 4)));
      return b;
    case 5: // random bytes
      return Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256)));
    default: // empty
      return Buffer.alloc(0);
  }
}

interface FuzzFirmware extends FirmwareClient {
  /** Set per case. */
  r: Rng;
}

/**
 * The hostile firmware: follows the handshake and answers what the host does, corrupting and
 * inventing messages; ends the connection (reset or drop) once the host has gone quiet.
 */
function fuzzFirmware(reset: () => void): FuzzFirmware {
  const fw: FuzzFirmware = {
    guid: LME_GUID,
    protocolVersion: 1,
    maxMessageLength: MAX,
    singleConnection: false,
    r: rng(0),
    open(conn: FirmwareConnection) {
      const r = fw.r;
      let ended = false;
      let quietTurns = 0;
      const hostChannels = new Map<number, number>(); // our id → host id
      let nextId = 0x100;
      const end = () => {
        if (ended) return;
        ended = true;
        if (r.chance(0.3)) conn.send(encode({ type: 'disconnect', reason: r.int(16) }));
        if (r.chance(0.5)) reset();
        else conn.close();
      };
      const send = (msg: ApfMessage) => {
        if (ended) return;
        let b: Buffer;
        try {
          b = encode(msg, { maxLength: MAX });
        } catch {
          return; // a field out of range for the codec: skip
        }
        conn.send(r.chance(0.12) ? mutate(r, b) : b);
        if (r.chance(0.01)) end(); // a reset or drop in the middle of anything
      };
      const anyChannel = () => (hostChannels.size && r.chance(0.8) ? r.pick([...hostChannels.values()]) : r.pick([0, 1, 2, 3, r.int(0x10000), 0xffffffff]));
      const invent = () => {
        const ch = anyChannel();
        const choices: ApfMessage[] = [
          { type: 'channel-data', recipientChannel: ch, data: Buffer.alloc(r.int(MAX - 9), 0x41) },
          { type: 'channel-window-adjust', recipientChannel: ch, bytesToAdd: r.pick(EDGE_U32) },
          { type: 'channel-close', recipientChannel: ch },
          { type: 'channel-open-confirmation', recipientChannel: ch, senderChannel: r.int(0x1000), initialWindow: r.pick(EDGE_U32) },
          { type: 'channel-open-failure', recipientChannel: ch, reason: r.int(6) },
          { type: 'channel-open', channelType: r.pick(['forwarded-tcpip', 'direct-tcpip', 'x']), senderChannel: r.int(99), initialWindow: 4096, address: '127.0.0.1', port: 16992, originatorAddress: '', originatorPort: 0 },
          { type: 'tcpip-forward', wantReply: r.chance(0.5), address: '127.0.0.1', port: r.pick([16992, 16993, 623, 0, 65535]) },
          { type: 'cancel-tcpip-forward', wantReply: r.chance(0.5), address: '127.0.0.1', port: r.pick([16992, 16993]) },
          { type: 'global-request', name: 'x@y', wantReply: true, data: Buffer.alloc(r.int(9)) },
          { type: 'protocol-version', major: r.int(3), minor: r.int(3), triggerReason: 254, uuid: Buffer.alloc(16) },
          { type: 'service-request', service: r.pick(['pfwd@amt.intel.com', 'auth@amt.intel.com', 'other']) },
          { type: 'userauth-request', username: 'u', service: 'pfwd@amt.intel.com', method: 'password', password: 'p' },
          { type: 'keepalive-request', cookie: r.int(100) },
          { type: 'keepalive-reply', cookie: r.int(5) },
          { type: 'keepalive-options-request', intervalSeconds: 1, timeoutSeconds: 1 },
          { type: 'request-success', port: 16992 },
        ];
        send(r.pick(choices));
      };
      const onHost = (msg: ApfMessage) => {
        switch (msg.type) {
          case 'protocol-version':
            return send({ type: 'service-request', service: 'pfwd@amt.intel.com' });
          case 'service-accept':
            send({ type: 'tcpip-forward', wantReply: true, address: '127.0.0.1', port: 16992 });
            if (r.chance(0.7)) send({ type: 'tcpip-forward', wantReply: true, address: '127.0.0.1', port: 16993 });
            return;
          case 'channel-open': {
            const choice = r.int(10);
            if (choice === 0) return reset(); // a reset while the open awaits its confirmation
            if (choice === 1) return end();
            if (choice === 2) return; // never answered
            if (choice === 3) return send({ type: 'channel-open-failure', recipientChannel: msg.senderChannel, reason: 1 + r.int(4) });
            const id = nextId++;
            if (choice === 4) send({ type: 'channel-data', recipientChannel: msg.senderChannel, data: Buffer.from('early') });
            hostChannels.set(id, msg.senderChannel);
            send({ type: 'channel-open-confirmation', recipientChannel: msg.senderChannel, senderChannel: id, initialWindow: r.pick([0, 10, 4096, 8192, 0xffffffff]) });
            if (choice === 5) send({ type: 'channel-open-confirmation', recipientChannel: msg.senderChannel, senderChannel: id, initialWindow: 4096 });
            return;
          }
          case 'channel-data': {
            const host = hostChannels.get(msg.recipientChannel) ?? anyChannel();
            const n = 1 + r.int(4);
            for (let i = 0; i < n; i++) {
              const size = r.pick([0, 1, 100, 2000, MAX - 9, 40_000]);
              if (size > MAX - 9) {
                for (let left = size; left > 0; left -= MAX - 9) send({ type: 'channel-data', recipientChannel: host, data: Buffer.alloc(Math.min(left, MAX - 9), 0x42) });
              } else send({ type: 'channel-data', recipientChannel: host, data: Buffer.alloc(size, 0x42) });
            }
            if (r.chance(0.5)) send({ type: 'channel-window-adjust', recipientChannel: host, bytesToAdd: r.pick(EDGE_U32) });
            if (r.chance(0.6)) send({ type: 'channel-close', recipientChannel: host });
            return;
          }
          case 'channel-close': {
            const host = hostChannels.get(msg.recipientChannel);
            if (host !== undefined && r.chance(0.9)) send({ type: 'channel-close', recipientChannel: host });
            if (r.chance(0.2)) send({ type: 'channel-close', recipientChannel: host ?? anyChannel() }); // twice
            return;
          }
          case 'keepalive-request':
            return send({ type: 'keepalive-reply', cookie: r.chance(0.8) ? msg.cookie : r.int(1000) });
          case 'disconnect':
            return end();
          default:
            return;
        }
      };
      // The connection ends once the host has been quiet for a few turns (or the case runs long).
      let turns = 0;
      const tick = () => {
        if (ended) return;
        if (++quietTurns > 6 || ++turns > 2000) return end();
        setImmediate(tick);
      };
      setImmediate(tick);
      send({ type: 'protocol-version', major: 1, minor: 0, triggerReason: 254, uuid: Buffer.alloc(16) });
      return {
        onMessage(message) {
          quietTurns = 0;
          if (ended) return;
          let msg: ApfMessage | undefined;
          try {
            msg = decode(message, { maxLength: MAX });
          } catch {
            return; // the host never sends malformed messages; the codec tests say so
          }
          onHost(msg);
          if (r.chance(0.08)) invent();
        },
        onClose() {
          ended = true;
        },
      };
    },
  };
  return fw;
}

/** What the host does on one channel; never attaches an 'error' listener in mode 'abandon'. */
async function useChannel(r: Rng, session: ApfSession, channels: ApfChannel[]): Promise<void> {
  const channel = await session.openChannel({ port: r.chance(0.9) ? 16992 : r.pick([16993, 623, 1]), timeoutMs: 5000 });
  channels.push(channel);
  const mode = r.pick(['read', 'read', 'abandon', 'end', 'destroy'] as const);
  const request = Buffer.alloc(r.pick([10, 1500, 5000, 9000]), 0x43);
  if (mode === 'abandon') {
    channel.write(request); // no listener of any kind: the worst case for an unheard 'error'
    return;
  }
  if (mode === 'destroy') {
    channel.write(request);
    channel.destroy();
    return;
  }
  if (mode === 'end') {
    channel.on('error', () => {});
    channel.end(request);
    return;
  }
  channel.write(request);
  for await (const chunk of channel) void chunk; // rejects with the channel's error, if any
}

test(`APF session on fuzzed firmware bytes: ${CASES} cases, seed ${SEED}`, { timeout: 30 * 60_000 }, async () => {
  const processErrors: unknown[] = [];
  const record = (e: unknown) => processErrors.push(e);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  let started = 0;
  let channelsOpened = 0;
  let hangs = 0;
  let leftOpen = 0;
  const t0 = Date.now();
  try {
    let mei: ReturnType<typeof memoryMei>;
    const fw = fuzzFirmware(() => mei.reset());
    mei = memoryMei([fw]);
    for (let i = 0; i < CASES; i++) {
      const r = rng((SEED ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
      fw.r = r;
      const channels: ApfChannel[] = [];
      const run = async () => {
        const session = await ApfSession.start(await mei.open(LME_GUID), { timeoutMs: 5000, windowSize: r.pick([1024, 8192, 32768]) }).catch(() => undefined);
        if (!session) return;
        started++;
        const closed = session.closed ? Promise.resolve() : once(session, 'close');
        const ops: Promise<unknown>[] = [];
        for (let k = 1 + r.int(3); k > 0; k--) ops.push(useChannel(r, session, channels));
        if (r.chance(0.3)) ops.push(session.ping({ timeoutMs: 5000 }));
        await Promise.allSettled(ops);
        if (r.chance(0.3)) await session.close();
        await closed;
      };
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        run().then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CASE_LIMIT_MS))),
      ]);
      clearTimeout(timer);
      if (!finished) {
        hangs++;
        mei.reset();
      }
      await new Promise((resolve) => setImmediate(resolve)); // a destroy's 'error'/'close' come a tick later
      channelsOpened += channels.length;
      // Destroyed, or closed on APF with data its consumer chose not to read: nothing left running.
      leftOpen += channels.filter((c) => !c.destroyed && !c.apfClosed).length;
    }
  } finally {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  }
  console.log(`apf fuzz: ${CASES} cases (seed ${SEED}) in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${started} sessions started, ${channelsOpened} channels opened; ${processErrors.length} process-level errors, ${hangs} hangs, ${leftOpen} channels left open`);
  assert.deepEqual(processErrors.map(String), [], 'process-level errors');
  assert.equal(hangs, 0, 'cases that did not finish');
  assert.equal(leftOpen, 0, 'channels still open after their session ended');
});
