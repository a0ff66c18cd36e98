/**
 * The audit log (AMT_AuditLog) decoded, its audit policy (AMT_AuditPolicyRule), and clearing
 * both logs. The event log itself is read with Requests.readLog (protocol.ts).
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { TargetParams } from './shared';

export interface AuditRecord {
  /** ISO time (the record's Unix seconds). */ time: string;
  timestamp: number;
  appId: number;
  /** `Security Admin`, `Remote Control`, … */ application: string;
  eventId: number;
  /** appId × 100 + eventId, the number MeshCommander and Intel's tables use. */ event: number;
  /** `Performed Power Up`, … */ description: string;
  /** 0 HTTP Digest, 1 Kerberos, 2 Local, 3 KVM default port. */ initiatorType: number;
  /** The user, `Local` or `KVM default port`; Kerberos as its SID in hex. */ initiator: string;
  /** The console's address, '' when none. */ address: string;
  /** The extended data in words where known, else its hex. */ details: string;
  extendedData: string;
  raw: string;
}

export interface AuditLogInfo {
  /** Oldest first, as the device keeps them. */
  records: AuditRecord[];
  total: number;
  percentageFree?: number;
  /** AuditState in words: `Enabled`, `Disabled`, `Locked` … */ state?: string;
  enabled?: boolean;
}

export interface AuditPolicyEntry {
  appId: number;
  eventId: number;
  event: number;
  application: string;
  description: string;
  critical: boolean;
}

export interface AuditPolicy {
  entries: AuditPolicyEntry[];
}

export interface AuditSetPolicyParams extends TargetParams {
  appId: number;
  eventId: number;
  enable: boolean;
  critical?: boolean;
}

export interface LogClearParams extends TargetParams {
  log: 'event' | 'audit';
}

export interface AuditDone {
  message: string;
}

export const AuditLogRequests = {
  /** Every audit record, decoded, oldest first, with the log's state. */
  read: new RequestType<TargetParams, AuditLogInfo, void>('amt/auditlog/read'),
  policy: new RequestType<TargetParams, AuditPolicy, void>('amt/auditlog/policy'),
  setPolicy: new RequestType<AuditSetPolicyParams, AuditDone, void>('amt/auditlog/setPolicy'),
  /** AMT_MessageLog.ClearLog or AMT_AuditLog.ClearLog. */
  clear: new RequestType<LogClearParams, AuditDone, void>('amt/auditlog/clear'),
} as const;
