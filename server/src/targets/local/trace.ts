/**
 * The opt-in firmware-debugging trace of the local path: every MEI message in hex and every APF
 * message decoded, one line each. HTTP exchanges are traced by WsmanClient (Authorization
 * redacted); the local account's password never travels in either of these layers.
 */
import { clientLabel, MeiClientGuid } from '../../mei/guid';
import type { MeiConnection } from '../../mei/types';
import type { ApfMessage, ApfTraceEvent } from '../../apf';
import { secretSpans } from '../../wsman/redact';

/** `send` = host → firmware, `receive` = firmware → host. */
export type LocalTrace = (direction: 'send' | 'receive', layer: 'mei' | 'apf', text: string) => void;

/** The same connection, with every whole message reported before it is written / after it is read. */
export function tracedMei(mei: MeiConnection, guid: string, sink: LocalTrace): MeiConnection {
  const label = clientLabel(guid).split(' ')[0]; // the well-known name (LME, AMTHI, …) or the GUID
  const trace = safe(sink);
  return {
    maxMessageLength: mei.maxMessageLength,
    protocolVersion: mei.protocolVersion,
    async write(message, signal) {
      trace('send', 'mei', `MEI write ${label} (${message.length} bytes) ${redactedHex(guid, message)}`);
      await mei.write(message, signal);
    },
    async read(options) {
      const message = await mei.read(options);
      trace('receive', 'mei', `MEI read ${label} (${message.length} bytes) ${redactedHex(guid, message)}`);
      return message;
    },
    close: () => mei.close(),
  };
}

/** AMTHI GetLocalSystemAccount's answer (spec protocols.md §3.5): 16-byte header, user[33], password[33]. */
const GET_LOCAL_SYSTEM_ACCOUNT_RESPONSE = 0x04800067;
const PASSWORD = { from: 16 + 33, to: 16 + 66 };

const APF_CHANNEL_DATA = 94;
const CHANNEL_DATA_HEADER = 9;
/** Firmware → host, with the AMT account's password when its method is `password` (spec protocols.md, APF). */
const APF_USERAUTH_REQUEST = 50;

/**
 * Hex of a message, with credentials zeroed — traces never carry them (DESIGN.md): the password in
 * AMTHI's GetLocalSystemAccount answer, the one in the firmware's APF USERAUTH_REQUEST, and in the
 * HTTP bytes an LME CHANNEL_DATA carries, what the HTTP trace redacts (Authorization values,
 * password elements). A secret whose name is split
 * across two messages would escape this; a request head starts its first message, so the
 * Authorization header does not get split that way.
 */
function redactedHex(guid: string, message: Buffer): string {
  const g = guid.toLowerCase();
  if (g === MeiClientGuid.AMTHI && message.length >= PASSWORD.from && message.readUInt32LE(4) === GET_LOCAL_SYSTEM_ACCOUNT_RESPONSE) {
    const copy = Buffer.from(message);
    copy.fill(0, PASSWORD.from, Math.min(PASSWORD.to, copy.length));
    return `${copy.toString('hex')} (password bytes zeroed)`;
  }
  if (g === MeiClientGuid.LME && message[0] === APF_USERAUTH_REQUEST) {
    const from = userauthSecretStart(message);
    if (from >= message.length) return message.toString('hex');
    const copy = Buffer.from(message);
    copy.fill(0, from);
    return `${copy.toString('hex')} (password bytes zeroed)`;
  }
  if (g === MeiClientGuid.LME && message[0] === APF_CHANNEL_DATA && message.length > CHANNEL_DATA_HEADER) {
    // latin1: one character per byte, so text offsets are byte offsets.
    const spans = secretSpans(message.toString('latin1', CHANNEL_DATA_HEADER));
    if (spans.length) {
      const copy = Buffer.from(message);
      for (const [from, to] of spans) copy.fill(0, CHANNEL_DATA_HEADER + from, CHANNEL_DATA_HEADER + to);
      return `${copy.toString('hex')} (secrets zeroed)`;
    }
  }
  return message.toString('hex');
}

/**
 * Where USERAUTH_REQUEST's secret starts: after the user, service and method names (u32 BE length +
 * bytes each) comes the password (method `password`) or the method's own data. Everything from
 * there is zeroed; a message too short to read the names is zeroed after its type byte.
 */
function userauthSecretStart(message: Buffer): number {
  let at = 1;
  for (let field = 0; field < 3; field++) {
    if (at + 4 > message.length) return 1;
    const end = at + 4 + message.readUInt32BE(at);
    if (end > message.length) return 1;
    at = end;
  }
  return at;
}

/** An ApfSession `trace` option that reports decoded messages. */
export function apfTracer(sink: LocalTrace): (event: ApfTraceEvent) => void {
  const trace = safe(sink);
  return (event) => trace(event.direction, 'apf', `APF ${event.direction} ${describeApf(event.message)}`);
}

/** `CHANNEL_DATA recipientChannel=3 data=(1024 bytes)`: fields in order, payloads by size only. */
export function describeApf(message: ApfMessage): string {
  const fields = Object.entries(message)
    .filter(([key]) => key !== 'type')
    .map(([key, value]) => `${key}=${fieldText(key, value)}`);
  return [message.type.toUpperCase().replace(/-/g, '_'), ...fields].join(' ');
}

function fieldText(key: string, value: unknown): string {
  if (Buffer.isBuffer(value)) return key === 'uuid' ? value.toString('hex') : `(${value.length} bytes)`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** Tracing must never disturb the connection it watches: a throwing sink is ignored. */
function safe(sink: LocalTrace): LocalTrace {
  return (direction, layer, text) => {
    try {
      sink(direction, layer, text);
    } catch {
      // ignored on purpose
    }
  };
}
