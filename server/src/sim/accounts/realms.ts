/**
 * Per-request authorization: which realm a class or method needs (the Intel AMT SDK "Class and
 * Method to Realm mapping" and each class page's "Used in features"), checked against the realms of
 * the user Digest authenticated. A user without the realm gets wsman:AccessDenied.
 *
 * Reads (Get, Enumerate, Pull, Release) of classes not named here need General Info; writes (Put,
 * Create, Delete, methods) of classes not named here need PT Administration (a choice where the
 * SDK table was not read, README "Accounts").
 */
import type { SimDevice } from '../device';
import { ACTION, classNameFromUri } from '../../wsman/namespaces';
import { WsmanFault } from '../wsman/faults';
import { REALM } from './acl';

interface Rule {
  readonly read?: number;
  readonly write?: number;
  readonly methods?: Record<string, number>;
}

const R = REALM;
const same = (realm: number): Rule => ({ read: realm, write: realm });

const RULES: Record<string, Rule> = {
  // Remote Control: power and boot.
  CIM_PowerManagementService: { read: R.GeneralInfo, write: R.RemoteControl },
  IPS_PowerManagementService: { read: R.GeneralInfo, write: R.RemoteControl },
  CIM_AssociatedPowerManagementService: { read: R.GeneralInfo },
  CIM_ServiceAvailableToElement: { read: R.GeneralInfo },
  CIM_PowerManagementCapabilities: { read: R.GeneralInfo },
  AMT_BootSettingData: same(R.RemoteControl),
  AMT_BootCapabilities: { read: R.RemoteControl },
  CIM_BootService: same(R.RemoteControl),
  CIM_BootConfigSetting: same(R.RemoteControl),
  CIM_BootSourceSetting: same(R.RemoteControl),
  AMT_AlarmClockService: same(R.RemoteControl),
  IPS_AlarmClockOccurrence: same(R.RemoteControl),
  // Redirection.
  AMT_RedirectionService: same(R.Redirection),
  CIM_KVMRedirectionSAP: same(R.Redirection),
  CIM_RedirectionService: same(R.Redirection),
  IPS_KVMRedirectionSettingData: same(R.Redirection),
  IPS_OptInService: { read: R.GeneralInfo, write: R.Redirection },
  // Hardware asset.
  ...Object.fromEntries([
    'CIM_Chassis', 'CIM_Card', 'CIM_BIOSElement', 'CIM_Processor', 'CIM_PhysicalMemory', 'CIM_Chip',
    'CIM_MediaAccessDevice', 'CIM_ComputerSystemPackage', 'CIM_PhysicalPackage', 'CIM_SystemPackaging',
    'CIM_Sensor', 'CIM_Fan', 'CIM_Battery', 'CIM_BIOSFeature', 'AMT_AssetTable', 'AMT_AssetTableService',
  ].map((c) => [c, same(R.HardwareAsset)])),
  // Events and logs.
  CIM_FilterCollection: same(R.EventManager),
  CIM_FilterCollectionSubscription: same(R.EventManager),
  CIM_ListenerDestinationWSManagement: same(R.EventManager),
  AMT_MessageLog: { read: R.EventLogReader, write: R.EventManager, methods: { GetRecords: R.EventLogReader, PositionToFirstRecord: R.EventLogReader } },
  AMT_AuditLog: same(R.AuditLog),
  AMT_AuditPolicyRule: same(R.AuditLog),
  // Accounts: the ACL realm manages users; only PT Administration changes the admin account.
  AMT_AuthorizationService: { read: R.GeneralInfo, write: R.ACL, methods: { SetAdminAclEntryEx: R.PTAdministration } },
  // Agent presence: local agents assert, remote consoles configure.
  AMT_AgentPresenceWatchdog: {
    read: R.AgentPresenceRemote, write: R.AgentPresenceRemote,
    methods: { RegisterAgent: R.AgentPresenceLocal, AssertPresence: R.AgentPresenceLocal, AssertShutdown: R.AgentPresenceLocal },
  },
  AMT_AgentPresenceService: same(R.AgentPresenceRemote),
  AMT_AgentPresenceWatchdogAction: same(R.AgentPresenceRemote),
  // Time, storage, System Defense.
  AMT_TimeSynchronizationService: { read: R.GeneralInfo, write: R.NetworkTime, methods: { GetLowAccuracyTimeSynch: R.NetworkTime } },
  AMT_ThirdPartyDataStorageService: same(R.Storage),
  AMT_ThirdPartyDataStorageAdministrationService: same(R.StorageAdmin),
  AMT_SystemDefenseService: same(R.CircuitBreaker),
  AMT_ActiveFilterStatistics: same(R.CircuitBreaker),
};

const READS = new Set<string>([ACTION.get, ACTION.enumerate, ACTION.pull, ACTION.release]);

/** The realm a request needs, or undefined when it names no class (Identify). */
export function realmFor(action: string | undefined, resourceUri: string | undefined): number | undefined {
  if (!action || !resourceUri) return undefined;
  const rule = RULES[classNameFromUri(resourceUri)] ?? {};
  if (READS.has(action)) return rule.read ?? R.GeneralInfo;
  const method = action.startsWith(`${resourceUri}/`) ? action.slice(resourceUri.length + 1) : undefined;
  if (method && rule.methods && Object.hasOwn(rule.methods, method)) return rule.methods[method];
  return rule.write ?? R.PTAdministration;
}

/**
 * Requests that need user consent when consent is required for everything (always so in Client
 * Control Mode; SDK "User Consent"): boot-option changes answer "access denied" until the user has
 * entered the code (IPS_OptInService.OptInState 3 received or 4 in session).
 */
const CONSENT_GATED = new Set<string>([
  `${ACTION.put} AMT_BootSettingData`, 'SetBootConfigRole CIM_BootService', 'ChangeBootOrder CIM_BootConfigSetting',
]);

function needsConsent(device: SimDevice, action: string, className: string): boolean {
  const optIn = device.instances('IPS_OptInService')[0];
  if (!optIn || Number(optIn.OptInRequired) !== 0xffffffff || optIn.OptInState === 3 || optIn.OptInState === 4) return false;
  const method = action.slice(action.lastIndexOf('/') + 1);
  return CONSENT_GATED.has(`${action} ${className}`) || CONSENT_GATED.has(`${method} ${className}`);
}

/** Throws AccessDenied when `user` lacks the realm the request needs, or consent is missing. */
export function authorize(device: SimDevice, user: string, action: string | undefined, resourceUri: string | undefined): void {
  const realm = realmFor(action, resourceUri);
  if (realm === undefined) return;
  if (!device.accounts.realmsOf(user).includes(realm)) {
    throw new WsmanFault('AccessDenied', `${user} lacks realm ${realm} for ${action}`);
  }
  if (action && resourceUri && needsConsent(device, action, classNameFromUri(resourceUri))) {
    throw new WsmanFault('AccessDenied', `${action} needs user consent first (IPS_OptInService)`);
  }
}
