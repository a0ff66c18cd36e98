/**
 * The audit log (AMT_AuditLog): ReadRecords from StartIndex 1, again from records read + 1 while
 * TotalRecordCount says there are more (MeshCommander's GetAuditLog loop), each record decoded once.
 * A record is big-endian, unlike the event log: AuditAppID u16, EventID u16, InitiatorType u8
 * (0 HTTP Digest: u8 length + user; 1 Kerberos: u32 + u8 length + SID; 2 local; 3 KVM default
 * port), TimeStamp u32 (Unix seconds), MCLocationType u8, u8 length + net address, u8 length +
 * extended data. The extended data is put in words for the events whose layout is known.
 *
 * Also the audit policy (AMT_AuditPolicyRule: AuditApplicationEventID has the application in its
 * top 8 bits and the event in its low 16; PolicyType 1 = critical), SetAuditPolicy, and ClearLog
 * of either log (AMT_MessageLog, AMT_AuditLog).
 */
import { AmtError } from '../../errors';
import type { AuditLogInfo, AuditPolicy, AuditRecord } from '../../protocol';
import type { CallOptions, WsmanClient } from '../../wsman/client';
import type { WsValue } from '../../wsman/types';
import { applicationName, eventName } from './audit-events';

export type AuditClient = Pick<WsmanClient, 'invoke' | 'get' | 'enumerateAll'>;

const INITIATORS = ['HTTP Digest', 'Kerberos', 'Local', 'KVM default port'];
const TLS_AUTH = ['NoAuth', 'ServerAuth', 'MutualAuth'];
const UNPROVISION_BY = ['BIOS', 'MEBx', 'Local MEI', 'Local WS-Man', 'Remote WS-Man'];

/** Decodes one base64 record; one too short to read says so in its description. */
export function decodeAuditRecord(base64: string): AuditRecord {
  const b = Buffer.from(base64, 'base64');
  const fail = (why: string): AuditRecord => ({
    time: '', timestamp: 0, appId: 0, application: '', eventId: 0, event: 0, description: `A record that cannot be decoded: ${why}.`,
    initiatorType: 0, initiator: '', address: '', details: '', extendedData: b.toString('hex'), raw: base64,
  });
  if (b.length < 5) return fail(`${b.length} bytes, fewer than the 5 of its head`);
  const appId = b.readUInt16BE(0);
  const eventId = b.readUInt16BE(2);
  const initiatorType = b[4]!;
  let p = 5;
  let initiator = INITIATORS[initiatorType] ?? `Initiator type ${initiatorType}`;
  if (initiatorType === 0) {
    const n = b[p] ?? 0;
    initiator = b.subarray(p + 1, p + 1 + n).toString('utf8');
    p += 1 + n;
  } else if (initiatorType === 1) {
    const n = b[p + 4] ?? 0;
    initiator = `Kerberos SID ${b.subarray(p + 5, p + 5 + n).toString('hex')}`;
    p += 5 + n;
  }
  if (b.length < p + 6) return fail(`it ends before its time stamp (${b.length} bytes)`);
  const timestamp = b.readUInt32BE(p);
  p += 5; // time stamp and MCLocationType
  const addressLength = b[p] ?? 0;
  const address = b.subarray(p + 1, p + 1 + addressLength).toString('latin1').replace(/\0+$/, '');
  p += 1 + addressLength;
  const extLength = b[p] ?? 0;
  const ext = b.subarray(p + 1, p + 1 + extLength);
  const event = appId * 100 + eventId;
  return {
    time: new Date(timestamp * 1000).toISOString(), timestamp, appId, application: applicationName(appId), eventId, event,
    description: eventName(appId, eventId), initiatorType, initiator, address, details: extendedText(event, ext), extendedData: ext.toString('hex'), raw: base64,
  };
}

function lengthText(b: Buffer, at: number): string {
  const n = b[at] ?? 0;
  return b.subarray(at + 1, at + 1 + n).toString('utf8');
}

/** The extended data in words, for the events MeshCommander's reader knows; else its hex. */
export function extendedText(event: number, b: Buffer): string {
  if (b.length === 0) return '';
  switch (event) {
    case 1602: case 1604:
      if (b[0] === 0) return `User ${lengthText(b, 1)}`;
      break;
    case 1603:
      if (b[1] === 0) return `User ${lengthText(b, 2)}`;
      break;
    case 1605:
      return ['Invalid ME access', 'Invalid MEBx access'][b[0]!] ?? `Access type ${b[0]}`;
    case 1606:
      return `${b[0] ? 'Enabled' : 'Disabled'}${b[1] === 0 ? `, user ${lengthText(b, 2)}` : ''}`;
    case 1607:
      return `Remote ${TLS_AUTH[b[0]!] ?? b[0]}, Local ${TLS_AUTH[b[1]!] ?? b[1]}`;
    case 1617:
      if (b.length >= 5) return `Realm ${b.readUInt32BE(0)}: ${['NoAuth', 'Auth', 'Disabled'][b[4]!] ?? b[4]}`;
      break;
    case 1619:
      return `Started by ${UNPROVISION_BY[b[0]!] ?? `initiator ${b[0]}`}`;
    case 1900:
      if (b.length >= 16) {
        const v = [...Array(8).keys()].map((i) => b.readUInt16BE(i * 2));
        return `From ${v.slice(0, 4).join('.')} to ${v.slice(4).join('.')}`;
      }
      break;
    case 2100:
      if (b.length >= 4) return `New time ${new Date(b.readUInt32BE(0) * 1000).toISOString()}`;
      break;
    case 3000:
      return `From ${['None', 'KVM', 'All'][b[0]!] ?? b[0]} to ${['None', 'KVM', 'All'][b[1]!] ?? b[1]}`;
    case 3001:
      return b[0] === 0 ? 'Success' : 'Failed 3 times';
  }
  return b.toString('hex');
}

function text(v: WsValue | undefined): string {
  return typeof v === 'string' ? v.trim() : '';
}

function list(v: WsValue | undefined): WsValue[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** A bound on the loop should a device's TotalRecordCount never be reached. */
const MAX_CALLS = 200;

export async function readAuditLog(client: AuditClient, call?: CallOptions): Promise<AuditLogInfo> {
  const records: AuditRecord[] = [];
  let total = 0;
  for (let n = 0; n < MAX_CALLS; n++) {
    const r = await client.invoke('AMT_AuditLog', 'ReadRecords', { StartIndex: records.length + 1 }, undefined, call);
    if (r.returnValue !== 0) {
      throw new AmtError('log.refused', `The device refused to read its audit log: ReadRecords returned ${r.returnValue} (${r.returnMeaning}); reading it needs an account with the Audit Log realm.`);
    }
    total = Number(text(r.output.TotalRecordCount)) || 0;
    const page = list(r.output.EventRecords).map(text).filter(Boolean);
    records.push(...page.map(decodeAuditRecord));
    if (page.length === 0 || records.length >= total) break;
  }
  const info: AuditLogInfo = { records, total };
  try {
    const inst = (await client.get('AMT_AuditLog', undefined, call)).properties;
    const free = Number(text(inst.PercentageFree));
    const state = Number(text(inst.AuditState));
    if (Number.isFinite(free) && text(inst.PercentageFree) !== '') info.percentageFree = free;
    if (text(inst.AuditState) !== '') {
      info.enabled = (state & 1) === 0;
      info.state = [(state & 1) ? 'Disabled' : 'Enabled', ...((state & 2) ? ['Locked'] : [])].join(', ');
    }
  } catch {
    // The state is extra: the records were read; a device without the instance simply shows none.
  }
  return info;
}

export async function readAuditPolicy(client: AuditClient, call?: CallOptions): Promise<AuditPolicy> {
  const items = await client.enumerateAll('AMT_AuditPolicyRule', {}, call);
  const p = items[0]?.instance?.properties ?? {};
  const ids = list(p.AuditApplicationEventID).map((v) => Number(text(v)));
  const types = list(p.PolicyType).map((v) => Number(text(v)));
  return {
    entries: ids.map((id, i) => {
      const appId = (id >>> 24) & 0xff;
      const eventId = id & 0xffff;
      return { appId, eventId, event: appId * 100 + eventId, application: applicationName(appId), description: eventName(appId, eventId), critical: types[i] === 1 };
    }),
  };
}

export async function setAuditPolicy(client: AuditClient, appId: number, eventId: number, enable: boolean, critical = false, call?: CallOptions): Promise<void> {
  if (!Number.isInteger(appId) || appId < 0 || appId > 255) throw new AmtError('log.invalid', `An application ID is a whole number from 0 to 255 (AMT's are 16 to 33), not "${String(appId)}"; pick one from the audit log.`);
  if (!Number.isInteger(eventId) || eventId < 0 || eventId > 65535) throw new AmtError('log.invalid', `An event ID is a whole number from 0 to 65535, not "${String(eventId)}"; pick one from the audit log.`);
  const items = await client.enumerateAll('AMT_AuditPolicyRule', { mode: 'EnumerateObjectAndEPR' }, call);
  const selectors = items[0]?.epr?.selectors;
  const r = await client.invoke('AMT_AuditPolicyRule', 'SetAuditPolicy', { Enable: enable, AuditedAppID: appId, EventID: eventId, PolicyType: critical ? 1 : 0 }, selectors, call);
  if (r.returnValue !== 0) {
    throw new AmtError('log.refused', `The device refused to ${enable ? 'audit' : 'stop auditing'} event ${appId * 100 + eventId}: SetAuditPolicy returned ${r.returnValue} (${r.returnMeaning}); pick an event AMT audits.`);
  }
}

export async function clearLog(client: AuditClient, log: 'event' | 'audit', call?: CallOptions): Promise<void> {
  const cls = log === 'audit' ? 'AMT_AuditLog' : 'AMT_MessageLog';
  const r = await client.invoke(cls, 'ClearLog', {}, undefined, call);
  if (r.returnValue !== 0) {
    const hint = log === 'audit' ? 'clearing the audit log needs the auditor\'s account (Audit Log realm)' : 'clearing the event log needs an administrator account';
    throw new AmtError('log.refused', `The device refused to clear its ${log} log: ClearLog returned ${r.returnValue} (${r.returnMeaning}); ${hint}.`);
  }
}
