/**
 * Readable text for AMT event MessageIDs (Intel AMT SDK "Alert Indications": `Message` is filled only for
 * iAMT0050–0061; other texts are looked up from MessageID, MessageArguments[0] filling `%1s`).
 * The texts are the ones Intel's tools show (MeshAgent's LMS event table, lms8 defaultAlerts.h),
 * for the events this product raises or meets most; others fall back to the MessageID.
 */
const TEXT: Record<string, string> = {
  iAMT0001: 'System Defense policy %1s triggered.',
  iAMT0002: 'Agent Presence agent %1s not started.',
  iAMT0003: 'Agent Presence agent %1s stopped.',
  iAMT0004: 'Agent Presence agent %1s running.',
  iAMT0005: 'Agent Presence agent %1s expired.',
  iAMT0006: 'Agent Presence agent %1s suspended.',
  iAMT0007: 'Host software attempt to disable AMT network link detected.',
  iAMT0029: 'Audit log storage is 50% full.',
  iAMT0030: 'Audit log storage is 75% full.',
  iAMT0031: 'Audit log storage is 85% full.',
  iAMT0032: 'Audit log storage is 95% full.',
  iAMT0033: 'Audit log storage is full.',
  iAMT0036: 'Remote connectivity initiated.',
  iAMT0050: 'User notification alert - general notification.',
  iAMT0061: 'ME firmware reset occurred.',
  iAMT0070: 'Host reset triggered by watchdog expiration.',
  PLAT0320: 'Critical stop during OS load on system %1s.',
  PLAT0322: 'Run-time critical stop on system %1s.',
  PLAT0324: 'OS graceful stop on system %1s.',
  PLAT0328: 'Agent not responding on system %1s.',
  PLAT0368: 'Watchdog timer expired for %1s.',
  PLAT0370: 'Reboot of system initiated by watchdog %1s.',
};

/** CIM_AlertIndication.PerceivedSeverity. */
export const PERCEIVED_SEVERITY: Record<number, string> = {
  0: 'Unknown', 1: 'Other', 2: 'Information', 3: 'Degraded/Warning', 4: 'Minor', 5: 'Major', 6: 'Critical', 7: 'Fatal/NonRecoverable',
};

/** The event's text: the device's Message when it sent one, else the table's with `%1s` filled. */
export function eventText(messageId: string, args: readonly string[], message?: string): string {
  if (message && message.trim() !== '') return message.trim();
  const template = TEXT[messageId];
  if (!template) return args.length ? `${messageId} (${args.join(', ')})` : messageId;
  return template.replace('%1s', args[0] ?? '').replace(/\s+\./, '.').replace(/\s{2,}/g, ' ');
}
