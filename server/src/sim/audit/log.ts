/**
 * The AMT audit log: records as AMT_AuditLog.ReadRecords returns them, each encoded big-endian as
 * the Intel AMT SDK and MeshCommander's reader (`amt-0.2.0.js` `_GetAuditLog0`) lay it out:
 * AuditAppID u16, EventID u16, InitiatorType u8 (0 HTTP Digest + u8 length + user name, 2 local),
 * TimeStamp u32 (Unix seconds), MCLocationType u8, u8 length + net address, u8 length + extended
 * data. Events AMT audits (table `_AmtAuditStringTable`): 1602/1603/1604 ACL entry added /
 * modified / removed, 1605 access with invalid credentials, 1606 entry enabled state, 1600/1601
 * provisioning started / completed, 1618 upgrade to ACM, 1619 unprovisioning started, 1700-1709
 * power actions. Plain JSON-able state, hung on the device by `auditLog(device)`.
 */
import type { SimDevice } from '../device';
import { sideState } from '../side-state';
import type { PowerChange } from '../device';
import { currentCaller } from '../accounts/caller';

export interface AuditRecord {
  appId: number;
  eventId: number;
  /** Digest user, or undefined for a local initiator. */
  user?: string;
  time: number;
  address: string;
  extended: string; // hex
}

export interface AuditState {
  records: AuditRecord[];
  /** "appId*100+eventId" numbers the policy has switched off (AMT_AuditPolicyRule.SetAuditPolicy). */
  disabled: number[];
  enabled: boolean;
  /** "appId*100+eventId" numbers audited as critical (SetAuditPolicy PolicyType 1). */
  critical?: number[];
  /** Events switched on beyond AUDITABLE_EVENTS. */
  extra?: number[];
  /** SetAuditLock: the lock's handle and when it lapses (device-clock ms). */
  lock?: { handle: number; until: number };
}

/** Records kept at most; older ones are overwritten (AMT_AuditLog OverwritePolicy 2; a choice of size). */
export const MAX_AUDIT_RECORDS = 500;

export const AUDIT = {
  ProvisioningStarted: [16, 0], ProvisioningCompleted: [16, 1], AclEntryAdded: [16, 2], AclEntryModified: [16, 3],
  AclEntryRemoved: [16, 4], AclInvalidCredentials: [16, 5], AclEntryState: [16, 6], UpgradeToAdmin: [16, 18],
  UnprovisioningStarted: [16, 19], PowerUp: [17, 0], PowerDown: [17, 1], PowerCycle: [17, 2], Reset: [17, 3],
  AuditLogCleared: [20, 0], AuditPolicyEvent: [20, 1],
} as const satisfies Record<string, readonly [number, number]>;

/**
 * The events the policy audits on a fresh device (AMT_AuditPolicyRule.AuditApplicationEventID): the
 * ones this simulator writes, plus the other Security Admin, Redirection and System Defense events of
 * MeshCommander's table (a choice: AMT's factory list is not published).
 */
export const AUDITABLE_EVENTS: readonly number[] = [
  1600, 1601, 1602, 1603, 1604, 1605, 1606, 1607, 1618, 1619, 1700, 1701, 1702, 1703, 1704,
  1800, 1801, 1802, 1803, 1804, 1805, 1806, 1807, 2000, 2001, 2002, 2003, 2500, 2501, 2502, 2503, 2504, 2505, 2506,
];

const LISTENING = new WeakSet<SimDevice>();

/**
 * The device's audit log, a side object that `--state` keeps (side-state.ts); the first call
 * also starts listening to the device's events.
 */
export function auditLog(device: SimDevice): AuditState {
  const state = sideState<AuditState>(device, 'audit', () => ({ records: [], disabled: [], enabled: true }));
  if (!LISTENING.has(device)) {
    LISTENING.add(device);
    listen(device);
  }
  return state;
}

/** Extended data for account events: byte 0 = 0 (Digest), u8 length, the user name (MC's decoder). */
export function userExtended(user: string): string {
  const name = Buffer.from(user, 'utf8').subarray(0, 255);
  return Buffer.concat([Buffer.from([0, name.length]), name]).toString('hex');
}

export function audit(device: SimDevice, event: readonly [number, number], extended = '', initiator?: { user?: string; address?: string }): void {
  const state = auditLog(device);
  const [appId, eventId] = event;
  if (!state.enabled || state.disabled.includes(appId * 100 + eventId)) return;
  const caller = initiator ?? currentCaller(device);
  state.records.push({ appId, eventId, user: caller?.user, time: device.rtcSeconds(), address: caller?.address ?? '', extended });
  if (state.records.length > MAX_AUDIT_RECORDS) state.records.splice(0, state.records.length - MAX_AUDIT_RECORDS);
}

export function encodeRecord(r: AuditRecord): string {
  const head = Buffer.alloc(5);
  head.writeUInt16BE(r.appId, 0);
  head.writeUInt16BE(r.eventId, 2);
  head[4] = r.user === undefined ? 2 : 0;
  const user = r.user === undefined ? Buffer.alloc(0) : lengthPrefixed(Buffer.from(r.user, 'utf8'));
  const time = Buffer.alloc(4);
  time.writeUInt32BE(r.time >>> 0);
  // MCLocationType: 0 IPv4, 1 IPv6, 2 none (the recorded local record carries 2 and no address).
  const location = r.address === '' ? 2 : r.address.includes(':') ? 1 : 0;
  const parts = [head, user, time, Buffer.from([location]), lengthPrefixed(Buffer.from(r.address, 'latin1')), lengthPrefixed(Buffer.from(r.extended, 'hex'))];
  return Buffer.concat(parts).toString('base64');
}

function lengthPrefixed(b: Buffer): Buffer {
  const body = b.subarray(0, 255);
  return Buffer.concat([Buffer.from([body.length]), body]);
}

/** Power action → audit event (RequestPowerStateChange values, DMTF DSP1027). */
const POWER_EVENTS: Record<number, readonly [number, number]> = {
  2: AUDIT.PowerUp, 8: AUDIT.PowerDown, 12: AUDIT.PowerDown, 5: AUDIT.PowerCycle, 9: AUDIT.PowerCycle,
  10: AUDIT.Reset, 11: AUDIT.Reset, 14: AUDIT.Reset,
};

function listen(device: SimDevice): void {
  device.on('power', (c: PowerChange) => {
    // The host OS rebooting or shutting itself down is no AMT action.
    const event = c.origin === 'host' ? undefined : POWER_EVENTS[c.requested];
    if (event) audit(device, event);
  });
  // 1605: byte 0 = 0 "Invalid ME access" (MC GetAuditLogExtendedDataStr).
  device.on('login-failed', ({ user, address }: { user: string; address?: string }) =>
    audit(device, AUDIT.AclInvalidCredentials, '00', { user, address }));
}
