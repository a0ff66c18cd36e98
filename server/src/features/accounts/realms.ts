/**
 * AMT's realms: the permission groups a user entry of the ACL holds (Intel AMT SDK "Realms";
 * AMT_AuthorizationService.AddUserAclEntryEx's Realms ValueMap). Each has a name and, in a few
 * words, what it lets the user do. 0, 1, 22 and 23 are invalid or reserved and never offered.
 */

export interface Realm {
  id: number;
  name: string;
  meaning: string;
}

export const REALMS: readonly Realm[] = [
  { id: 2, name: 'Redirection', meaning: 'SOL, IDE-R and KVM sessions' },
  { id: 3, name: 'PT Administration', meaning: 'everything, including the other realms and the admin account' },
  { id: 4, name: 'Hardware Asset', meaning: 'hardware inventory and SMBIOS tables' },
  { id: 5, name: 'Remote Control', meaning: 'power and boot control' },
  { id: 6, name: 'Storage', meaning: 'third-party data storage blocks' },
  { id: 7, name: 'Event Manager', meaning: 'event subscriptions and the event log settings' },
  { id: 8, name: 'Storage Admin', meaning: 'third-party data storage limits and registrations' },
  { id: 9, name: 'Agent Presence Local', meaning: 'agents on the host asserting their presence' },
  { id: 10, name: 'Agent Presence Remote', meaning: 'configuring agent-presence watchdogs' },
  { id: 11, name: 'Circuit Breaker', meaning: 'System Defense policies and filters' },
  { id: 12, name: 'Network Time', meaning: 'setting the firmware clock' },
  { id: 13, name: 'General Info', meaning: 'reading general settings and identity' },
  { id: 14, name: 'Firmware Update', meaning: 'updating the AMT firmware' },
  { id: 15, name: 'EIT', meaning: 'the embedded information table' },
  { id: 16, name: 'Local UN', meaning: 'local user notification' },
  { id: 17, name: 'Endpoint Access Control', meaning: 'network access control posture (deprecated)' },
  { id: 18, name: 'Endpoint Access Control Admin', meaning: 'network access control settings (deprecated)' },
  { id: 19, name: 'Event Log Reader', meaning: 'reading the event log' },
  { id: 20, name: 'Audit Log', meaning: 'the audit log and its policy' },
  { id: 21, name: 'ACL', meaning: 'managing user accounts' },
  { id: 24, name: 'Local System', meaning: 'local applications on the host' },
];

export const PT_ADMINISTRATION = 3;
export const ACL_REALM = 21;

export function realmName(id: number): string {
  return REALMS.find((r) => r.id === id)?.name ?? `Realm ${id}`;
}

export function isRealm(id: number): boolean {
  return REALMS.some((r) => r.id === id);
}

/** A realm given by number or by name (case, spaces and dashes ignored: `remote-control`, `PT Administration`, `5`). */
export function realmByName(text: string): Realm | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return REALMS.find((r) => r.id === Number(t));
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  return REALMS.find((r) => norm(r.name) === norm(t));
}

/** AccessPermission: where the account may log in from. */
export const ACCESS: Readonly<Record<number, string>> = { 0: 'local only', 1: 'network only', 2: 'local and network' };
export const ACCESS_WORDS: Readonly<Record<string, number>> = { local: 0, network: 1, any: 2 };
