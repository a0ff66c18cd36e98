/** Provisioning, accounts and the audit log (setup-service.ts, authorization.ts, audit-log.ts). */
import { AUDIT_LOG_CLASSES } from './audit-log';
import { AUTHORIZATION_CLASSES } from './authorization';
import { SETUP_SERVICE_CLASSES } from './setup-service';
import type { ClassDef } from './types';

export const SETUP_CLASSES: readonly ClassDef[] = [...SETUP_SERVICE_CLASSES, ...AUTHORIZATION_CLASSES, ...AUDIT_LOG_CLASSES];
