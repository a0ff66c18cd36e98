export { readMessageLog, type LogClient } from './read';
export { decodeLogRecord } from './records';
export { newestFirst } from './order';
export { clearLog, decodeAuditRecord, readAuditLog, readAuditPolicy, setAuditPolicy, type AuditClient } from './audit';
export { applicationName, eventName, AUDIT_APPLICATIONS, AUDIT_EVENTS } from './audit-events';
