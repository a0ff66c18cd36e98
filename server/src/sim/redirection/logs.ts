/**
 * What the redirection service writes down, as AMT does: the audit log's Redirection Manager
 * events (application 18 in MeshCommander's `amt-0.2.0.js` string table: 1800/1801 IDE-R session
 * opened/closed, 1802/1803 IDE-R enabled/disabled, 1804/1805 SoL session opened/closed,
 * 1806/1807 SoL enabled/disabled, 1808/1809 KVM session started/ended, 1810/1811 KVM
 * enabled/disabled) with the console's user as initiator, and the event log's sensor-type 192
 * records (event data `AA 30 nn`: 0 SOL established, 1 SOL finished, 2 IDE-R established,
 * 3 IDE-R finished — the decoders of MeshCommander and Device Management Toolkit), from entity
 * 38 instance 97 as the records a real device keeps.
 *
 * Beside those, every session's history (who, which kind, how it ended and why) is kept in
 * memory for tests and for `amtwb sim` output: `redirectionHistory(device)`.
 */
import { audit } from '../audit/log';
import type { SimDevice } from '../device';
import type { SessionKind } from './wire';

const APP = 18;
export const REDIRECTION_AUDIT = {
  IderOpened: [APP, 0], IderClosed: [APP, 1], IderEnabled: [APP, 2], IderDisabled: [APP, 3],
  SolOpened: [APP, 4], SolClosed: [APP, 5], SolEnabled: [APP, 6], SolDisabled: [APP, 7],
  KvmStarted: [APP, 8], KvmEnded: [APP, 9], KvmEnabled: [APP, 10], KvmDisabled: [APP, 11],
} as const satisfies Record<string, readonly [number, number]>;

/** Event data byte 2 of the sensor-type 192 record. */
const EVENT = { SolOpened: 0, SolClosed: 1, IderOpened: 2, IderClosed: 3 } as const;

export interface SessionEntry {
  /** Connection number on this device, from 1. */
  readonly id: number;
  readonly kind?: SessionKind;
  readonly user?: string;
  readonly address: string;
  /** Fed in through an APF channel (LMS) rather than a TCP connection. */
  readonly local: boolean;
  readonly at: number;
  /** What happened: a refusal, the session's start, its end. */
  readonly event: 'refused' | 'auth-failed' | 'opened' | 'closed' | 'ended-by-error';
  /** Why (for refusals, errors and ends); never a credential. */
  readonly reason?: string;
}

interface Track {
  nextId: number;
  history: SessionEntry[];
}

/** Entries kept at most (the oldest go first). */
const MAX_HISTORY = 200;
const TRACKS = new WeakMap<SimDevice, Track>();

function track(device: SimDevice): Track {
  let t = TRACKS.get(device);
  if (!t) TRACKS.set(device, (t = { nextId: 1, history: [] }));
  return t;
}

export function nextConnectionId(device: SimDevice): number {
  return track(device).nextId++;
}

/** The redirection sessions' history on this device, oldest first. */
export function redirectionHistory(device: SimDevice): readonly SessionEntry[] {
  return track(device).history;
}

/** One line for a person watching the simulator (`amtwb sim`), e.g. `redirection: SOL session 3 (admin from 127.0.0.1) opened`. */
export function describeEntry(e: SessionEntry): string {
  const who = [e.user, e.local ? 'over the local APF path' : e.address && `from ${e.address}`].filter(Boolean).join(' ');
  const what = `${e.kind ?? 'connection'}${e.kind ? ' session' : ''} ${e.id}${who ? ` (${who})` : ''}`;
  const verb = { refused: 'refused', 'auth-failed': 'log-on failed', opened: 'opened', closed: 'closed', 'ended-by-error': 'ended by error' }[e.event];
  return `redirection: ${what} ${verb}${e.reason ? `: ${e.reason}` : ''}`;
}

export function note(device: SimDevice, entry: Omit<SessionEntry, 'at'>): void {
  const t = track(device);
  const full = { ...entry, at: device.now() };
  t.history.push(full);
  if (t.history.length > MAX_HISTORY) t.history.shift();
  device.emit('redirection', full);
}

/** Audit + event log for a session that started or ended (KVM has no event-log record). */
export function logSession(device: SimDevice, kind: SessionKind, opened: boolean, user: string | undefined, address: string): void {
  const initiator = { user, address };
  if (kind === 'SOL') {
    audit(device, opened ? REDIRECTION_AUDIT.SolOpened : REDIRECTION_AUDIT.SolClosed, '', initiator);
    eventRecord(device, opened ? EVENT.SolOpened : EVENT.SolClosed);
  } else if (kind === 'IDER') {
    audit(device, opened ? REDIRECTION_AUDIT.IderOpened : REDIRECTION_AUDIT.IderClosed, '', initiator);
    eventRecord(device, opened ? EVENT.IderOpened : EVENT.IderClosed);
  } else {
    audit(device, opened ? REDIRECTION_AUDIT.KvmStarted : REDIRECTION_AUDIT.KvmEnded, '', initiator);
  }
}

function eventRecord(device: SimDevice, what: number): void {
  device.addLogRecord({ sensorType: 192, eventOffset: 0, entity: 38, entityInstance: 97, eventData: [0xaa, 0x30, what] });
}

/**
 * Audit records for a change of the redirection features (AMT_RedirectionService.RequestStateChange:
 * bit 0 IDE-R, bit 1 SOL; CIM_KVMRedirectionSAP 2/3), attributed to the caller of the request.
 */
export function auditFeatureChange(device: SimDevice, before: number, after: number): void {
  const bit = (v: number, b: number) => (v & b) !== 0;
  if (bit(before, 1) !== bit(after, 1)) audit(device, bit(after, 1) ? REDIRECTION_AUDIT.IderEnabled : REDIRECTION_AUDIT.IderDisabled);
  if (bit(before, 2) !== bit(after, 2)) audit(device, bit(after, 2) ? REDIRECTION_AUDIT.SolEnabled : REDIRECTION_AUDIT.SolDisabled);
}

export function auditKvmChange(device: SimDevice, enabled: boolean): void {
  audit(device, enabled ? REDIRECTION_AUDIT.KvmEnabled : REDIRECTION_AUDIT.KvmDisabled);
  device.emit('redirection-feature', { kind: 'KVMR', enabled });
}
