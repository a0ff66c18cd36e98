/**
 * What AMT's audit log numbers mean: the auditing applications (AuditAppID) and their events
 * (AuditAppID × 100 + EventID), after Intel's "Security Admin Events" tables of the AMT SDK, which
 * MeshCommander and Intel's MPS carry as their audit string tables.
 */
export const AUDIT_APPLICATIONS: Readonly<Record<number, string>> = {
  16: 'Security Admin', 17: 'Remote Control', 18: 'Redirection Manager', 19: 'Firmware Update Manager',
  20: 'Security Audit Log', 21: 'Network Time', 22: 'Network Administration', 23: 'Storage Administration',
  24: 'Event Manager', 25: 'System Defense (Circuit Breaker)', 26: 'Agent Presence', 27: 'Wireless Configuration',
  28: 'Endpoint Access Control', 29: 'KVM', 30: 'User Opt-In', 32: 'Screen Blanking', 33: 'Watchdog',
};

export const AUDIT_EVENTS: Readonly<Record<number, string>> = {
  1600: 'Provisioning Started', 1601: 'Provisioning Completed', 1602: 'ACL Entry Added', 1603: 'ACL Entry Modified',
  1604: 'ACL Entry Removed', 1605: 'ACL Access with Invalid Credentials', 1606: 'ACL Entry State', 1607: 'TLS State Changed',
  1608: 'TLS Server Certificate Set', 1609: 'TLS Server Certificate Removed', 1610: 'TLS Trusted Root Certificate Added',
  1611: 'TLS Trusted Root Certificate Removed', 1612: 'TLS Preshared Key Set', 1613: 'Kerberos Settings Modified',
  1614: 'Kerberos Master Key Modified', 1615: 'Flash Wear-out Counters Reset', 1616: 'Power Package Modified',
  1617: 'Set Realm Authentication Mode', 1618: 'Upgrade Client to Admin Control Mode', 1619: 'Unprovisioning Started',
  1700: 'Performed Power Up', 1701: 'Performed Power Down', 1702: 'Performed Power Cycle', 1703: 'Performed Reset',
  1704: 'Set Boot Options', 1705: 'Performed Graceful Power Down', 1706: 'Performed Graceful Reset', 1707: 'Performed Standby',
  1708: 'Performed Hibernate', 1709: 'Performed NMI',
  1800: 'IDE-R Session Opened', 1801: 'IDE-R Session Closed', 1802: 'IDE-R Enabled', 1803: 'IDE-R Disabled',
  1804: 'SOL Session Opened', 1805: 'SOL Session Closed', 1806: 'SOL Enabled', 1807: 'SOL Disabled',
  1808: 'KVM Session Started', 1809: 'KVM Session Ended', 1810: 'KVM Enabled', 1811: 'KVM Disabled', 1812: 'VNC Password Failed 3 Times',
  1900: 'Firmware Updated', 1901: 'Firmware Update Failed',
  2000: 'Security Audit Log Cleared', 2001: 'Security Audit Policy Modified', 2002: 'Security Audit Log Disabled',
  2003: 'Security Audit Log Enabled', 2004: 'Security Audit Log Exported', 2005: 'Security Audit Log Recovered',
  2100: 'Intel(R) ME Time Set',
  2200: 'TCP/IP Parameters Set', 2201: 'Host Name Set', 2202: 'Domain Name Set', 2203: 'VLAN Parameters Set', 2204: 'Link Policy Set', 2205: 'IPv6 Parameters Set',
  2300: 'Global Storage Attributes Set', 2301: 'Storage EACL Modified', 2302: 'Storage FPACL Modified', 2303: 'Storage Write Operation',
  2400: 'Alert Subscribed', 2401: 'Alert Unsubscribed', 2402: 'Event Log Cleared', 2403: 'Event Log Frozen',
  2500: 'System Defense Filter Added', 2501: 'System Defense Filter Removed', 2502: 'System Defense Policy Added',
  2503: 'System Defense Policy Removed', 2504: 'System Defense Default Policy Set', 2505: 'System Defense Heuristics Option Set',
  2506: 'System Defense Heuristics State Cleared',
  2600: 'Agent Watchdog Added', 2601: 'Agent Watchdog Removed', 2602: 'Agent Watchdog Action Set',
  2700: 'Wireless Profile Added', 2701: 'Wireless Profile Removed', 2702: 'Wireless Profile Updated',
  2800: 'EAC Posture Signer Set', 2801: 'EAC Enabled', 2802: 'EAC Disabled', 2803: 'EAC Posture State', 2804: 'EAC Set Options',
  2900: 'KVM Opt-in Enabled', 2901: 'KVM Opt-in Disabled', 2902: 'KVM Password Changed', 2903: 'KVM Consent Succeeded', 2904: 'KVM Consent Failed',
  3000: 'Opt-In Policy Change', 3001: 'Send Consent Code Event', 3002: 'Start Opt-In Blocked Event',
  3301: 'Watchdog Reset Triggering Options Changed', 3302: 'Watchdog Action Pairing Changed',
};

export function applicationName(appId: number): string {
  return AUDIT_APPLICATIONS[appId] ?? `Application ${appId}`;
}

export function eventName(appId: number, eventId: number): string {
  return AUDIT_EVENTS[appId * 100 + eventId] ?? `Event ${eventId} of ${applicationName(appId)}`;
}
