/** amt/auditlog/*: the audit log, its policy, and clearing either log (features/log/audit.ts). */
import { clearLog, readAuditLog, readAuditPolicy, setAuditPolicy } from '../features/log';
import { AuditLogRequests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerAuditLogHandlers(host: HandlerHost): void {
  host.handle(AuditLogRequests.read, async (p, signal) => readAuditLog(await clientFor(host, p, signal), { signal }));
  host.handle(AuditLogRequests.policy, async (p, signal) => readAuditPolicy(await clientFor(host, p, signal), { signal }));
  host.handle(AuditLogRequests.setPolicy, async (p, signal) => {
    await setAuditPolicy(await clientFor(host, p, signal), p.appId, p.eventId, p.enable, p.critical === true, { signal });
    return { message: `Event ${p.appId * 100 + p.eventId} is ${p.enable ? `audited${p.critical ? ' as critical' : ''}` : 'no longer audited'}.` };
  });
  host.handle(AuditLogRequests.clear, async (p, signal) => {
    await clearLog(await clientFor(host, p, signal), p.log, { signal });
    return { message: `The ${p.log} log was cleared.` };
  });
}
