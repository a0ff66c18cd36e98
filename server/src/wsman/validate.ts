/**
 * Reply validation: a well-formed reply is accepted only when it answers the request that was
 * sent. WS-Addressing (W3C Member Submission, 2004/08) makes the device copy the request's
 * MessageID into RelatesTo and name the response action; WS-Transfer, WS-Enumeration and
 * WS-Eventing (2004) and DMTF DSP0226/DSP0227 name each response action and Body element; the
 * CIM binding (DSP0227) puts an instance in its own class's namespace, which may be a subclass
 * of the class asked for (a Pull of CIM_PhysicalPackage returns CIM_Card instances on AMT).
 * Faults are recognised before this runs (faults.ts) and are errors of their own.
 */
import { ReplyMismatchError } from './errors';
import { ACTION, NS, SCHEMA_PREFIX, classNameFromUri } from './namespaces';
import { bodyElement, type ParsedEnvelope } from './parse';
import type { XmlElement } from './xml';

/** What the request that was sent implies about its reply. */
export interface ReplyExpectation {
  operation: Operation;
  /** The request's wsa:Action; absent for Identify. */
  action?: string;
  messageId?: string;
  resourceUri?: string;
  /** For Invoke: the method name (the last segment of the action). */
  method?: string;
}

export type Operation = 'identify' | 'get' | 'put' | 'create' | 'delete' | 'enumerate' | 'pull' | 'release' | 'subscribe' | 'unsubscribe' | 'renew' | 'invoke';

export interface ValidateOptions {
  /** True when `className` is `ancestor` or derives from it; defaults to the AMT class hierarchy below. */
  isSubclassOf?: (className: string, ancestor: string) => boolean;
}

const RESPONSE_OF: Record<string, Operation> = {
  [ACTION.get]: 'get',
  [ACTION.put]: 'put',
  [ACTION.create]: 'create',
  [ACTION.delete]: 'delete',
  [ACTION.enumerate]: 'enumerate',
  [ACTION.pull]: 'pull',
  [ACTION.release]: 'release',
  [ACTION.subscribe]: 'subscribe',
  [ACTION.unsubscribe]: 'unsubscribe',
  [ACTION.renew]: 'renew',
};

const VERB: Record<Operation, string> = {
  identify: 'Identify',
  get: 'Get',
  put: 'Put',
  create: 'Create',
  delete: 'Delete',
  enumerate: 'Enumerate',
  pull: 'Pull',
  release: 'Release',
  subscribe: 'Subscribe',
  unsubscribe: 'Unsubscribe',
  renew: 'Renew',
  invoke: 'method call',
};

/**
 * Reads the expectation out of a request envelope this engine built (envelope.ts): its Action,
 * ResourceURI and MessageID header values. Only the header is looked at, so the cost does not
 * depend on the size of a Put's body.
 */
export function expectationOf(requestXml: string): ReplyExpectation {
  const bodyAt = requestXml.search(/<(?:[\w.-]+:)?Body[\s>/]/);
  const header = bodyAt < 0 ? requestXml : requestXml.slice(0, bodyAt);
  const field = (local: string) => {
    const m = new RegExp(`<(?:[\\w.-]+:)?${local}(?:\\s[^>]*)?>([^<]*)</`).exec(header);
    return m ? unescape(m[1]!.trim()) : undefined;
  };
  const action = field('Action');
  const messageId = field('MessageID');
  const resourceUri = field('ResourceURI');
  const base: Omit<ReplyExpectation, 'operation'> = {
    ...(action !== undefined ? { action } : {}),
    ...(messageId !== undefined ? { messageId } : {}),
    ...(resourceUri !== undefined ? { resourceUri } : {}),
  };
  if (action === undefined) return { operation: 'identify', ...base };
  const operation = RESPONSE_OF[action];
  if (operation) return { operation, ...base };
  return { operation: 'invoke', ...base, method: action.slice(action.lastIndexOf('/') + 1) };
}

/** Throws `ReplyMismatchError` when the (non-fault) reply does not answer the expected request. */
export function validateReply(env: ParsedEnvelope, exp: ReplyExpectation, opts: ValidateOptions = {}): void {
  const what = describeRequest(exp);
  if (exp.operation === 'identify') {
    const el = bodyElement(env);
    if (!el || el.local !== 'IdentifyResponse' || el.ns !== NS.identity) throw bodyMismatch(what, el, 'an IdentifyResponse');
    return;
  }
  const expectedAction = `${exp.action}Response`;
  const action = env.header.action;
  if (action !== expectedAction) {
    throw new ReplyMismatchError(
      action === undefined
        ? `The device answered ${what} without an Action header, so the reply cannot be matched to the request and was refused; retry, and check that the address belongs to an AMT device.`
        : `The device answered ${what} with the action ${action} instead of ${expectedAction}, so the reply belongs to another request and was refused; retry, and check that nothing else answers on this address.`,
      'action',
    );
  }
  if (exp.messageId !== undefined && env.header.relatesTo !== exp.messageId) {
    const got = env.header.relatesTo;
    throw new ReplyMismatchError(
      got === undefined
        ? `The device answered ${what} without RelatesTo, so the reply cannot be matched to the request (MessageID ${exp.messageId}) and was refused; retry, and check that the address belongs to an AMT device.`
        : `The device's reply relates to message ${got} but ${what} was sent as ${exp.messageId}, so it answers another request and was refused; retry, and check that no proxy mixes up replies on this connection.`,
      'relatesTo',
    );
  }
  const check = new ClassCheck(exp, what, opts.isSubclassOf ?? isAmtSubclassOf);
  const el = bodyElement(env);
  switch (exp.operation) {
    case 'get':
      if (el) check.instance(el);
      return;
    case 'put':
      if (el) check.instance(el);
      return;
    case 'create':
      if (!el || el.local !== 'ResourceCreated' || el.ns !== NS.transfer) throw bodyMismatch(what, el, 'a ResourceCreated reference');
      check.reference(el);
      return;
    case 'enumerate':
    case 'pull':
      check.enumeration(el);
      return;
    case 'invoke': {
      const expected = `${exp.method}_OUTPUT`;
      if (!el || el.local !== expected || el.ns !== exp.resourceUri) throw bodyMismatch(what, el, `<${expected}> in ${exp.resourceUri}`);
      return;
    }
    case 'subscribe':
    case 'renew': {
      const expected = exp.operation === 'subscribe' ? 'SubscribeResponse' : 'RenewResponse';
      if (el && (el.local !== expected || el.ns !== NS.eventing)) throw bodyMismatch(what, el, `a ${expected}`);
      return;
    }
    default:
      // Delete, Release and Unsubscribe return nothing the caller uses; Action and RelatesTo suffice.
      return;
  }
}

class ClassCheck {
  readonly #cls: string;
  readonly #uri: string;
  constructor(
    readonly exp: ReplyExpectation,
    readonly what: string,
    readonly isSubclassOf: (className: string, ancestor: string) => boolean,
  ) {
    this.#uri = exp.resourceUri ?? '';
    this.#cls = classNameFromUri(this.#uri);
  }

  /** The element is an instance of the class asked for, or of a subclass in that subclass's own namespace. */
  instance(el: XmlElement): void {
    if (this.#matches(el.local, el.ns)) return;
    const message =
      el.local === this.#cls
        ? `The device answered ${this.what} with ${el.local} in the namespace ${el.ns || '(none)'} instead of ${this.#uri}, so the reply was refused; retry, and check that nothing else answers on this address.`
        : `The device answered with ${el.local} to ${this.what}, which is not ${this.#cls} or a subclass of it, so the reply was refused; retry, and check the class name and that nothing else answers on this address.`;
    throw new ReplyMismatchError(message, 'body');
  }

  /** An EPR (or an element holding one) names the class asked for or a subclass. */
  reference(el: XmlElement): void {
    const holder = el.children.find((c) => c.local === 'EndpointReference' && c.ns === NS.addressing) ?? el;
    const params = holder.children.find((c) => c.local === 'ReferenceParameters' && c.ns === NS.addressing);
    const uriEl = params?.children.find((c) => c.local === 'ResourceURI' && c.ns === NS.wsman);
    if (!uriEl) return;
    const uri = uriEl.text.trim();
    const local = classNameFromUri(uri);
    if (this.#matches(local, uri)) return;
    throw new ReplyMismatchError(
      `The device answered ${this.what} with a reference to ${uri}, which is not ${this.#cls} or a subclass of it, so the reply was refused; retry, and check the class name and that nothing else answers on this address.`,
      'body',
    );
  }

  enumeration(el: XmlElement | undefined): void {
    const expected = this.exp.operation === 'enumerate' ? 'EnumerateResponse' : 'PullResponse';
    if (!el || el.local !== expected || el.ns !== NS.enumeration) throw bodyMismatch(this.what, el, `a ${expected}`);
    const items = el.children.find((c) => c.local === 'Items' && (c.ns === NS.enumeration || c.ns === NS.wsman));
    for (const item of items?.children ?? []) {
      if (item.local === 'EndpointReference' && item.ns === NS.addressing) {
        this.reference({ ...item, children: [item] });
      } else if (item.local === 'Item' && item.ns === NS.wsman) {
        for (const part of item.children) {
          if (part.local === 'EndpointReference' && part.ns === NS.addressing) this.reference({ ...item, children: [part] });
          else this.instance(part);
        }
      } else {
        this.instance(item);
      }
    }
  }

  #matches(local: string, ns: string): boolean {
    if (local === this.#cls) return ns === this.#uri;
    if (this.#cls === '*') return ns === this.#uri.slice(0, -1) + local || ns === schemaUriOf(local);
    return ns === schemaUriOf(local) && this.isSubclassOf(local, this.#cls);
  }
}

function describeRequest(exp: ReplyExpectation): string {
  if (exp.operation === 'identify') return 'an Identify';
  const cls = exp.resourceUri ? classNameFromUri(exp.resourceUri) : 'an unnamed class';
  if (exp.operation === 'invoke') return `the call of ${cls}.${exp.method}`;
  return `${/^[AEIOU]/.test(VERB[exp.operation]) ? 'an' : 'a'} ${VERB[exp.operation]} of ${cls}`;
}

function bodyMismatch(what: string, el: XmlElement | undefined, expected: string): ReplyMismatchError {
  const found = el ? `<${el.name}>${el.ns ? ` in ${el.ns}` : ''}` : 'an empty Body';
  return new ReplyMismatchError(
    `The device answered ${what} with ${found} instead of ${expected}, so the reply was refused; retry, and check that nothing else answers on this address.`,
    'body',
  );
}

/** `AMT_Foo` → the namespace AMT writes its instances in; '' for names outside the three schemas. */
function schemaUriOf(className: string): string {
  const prefix = className.slice(0, className.indexOf('_')).toLowerCase();
  const base = (SCHEMA_PREFIX as Record<string, string>)[prefix];
  return base ? base + className : '';
}

function unescape(s: string): string {
  return s.includes('&') ? s.replace(/&(lt|gt|amp|quot|apos);/g, (_, n: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[n]!) : s;
}

// ---- the class hierarchy -------------------------------------------------------------------

/**
 * True when `className` is `ancestor` or one of its descendants in the AMT/CIM/IPS classes AMT
 * serves. The engine imports nothing of the product, so the catalog's superclass relation is
 * repeated here; test/unit/wsman/validate.test.ts checks that the two agree.
 */
export function isAmtSubclassOf(className: string, ancestor: string): boolean {
  for (let c: string | undefined = className, n = 0; c !== undefined && n < 32; c = PARENT.get(c), n++) {
    if (c === ancestor) return true;
  }
  return false;
}

/** Superclass → its direct subclasses, as the catalog (server/src/catalog/data/classes.json) has them. */
export const SUBCLASSES: Readonly<Record<string, string>> = {
  AMT_ComplexFilterEntryBase: 'AMT_Hdr8021Filter AMT_IPHeadersFilter',
  AMT_EventSubscriber: 'AMT_SNMPEventSubscriber',
  AMT_FilterEntryBase: 'AMT_ComplexFilterEntryBase AMT_NetworkFilter',
  AMT_InterfacePolicy: 'AMT_AgentPresenceInterfacePolicy AMT_EnvironmentDetectionInterfacePolicy AMT_NetworkPortSystemDefensePolicy',
  CIM_AbstractIndicationSubscription: 'CIM_FilterCollectionSubscription',
  CIM_AuthenticationService: 'CIM_CredentialManagementService',
  CIM_AuthorizationService: 'CIM_PrivilegeManagementService',
  CIM_BootSettingData: 'AMT_BootSettingData',
  CIM_Capabilities: 'AMT_AgentPresenceCapabilities AMT_BootCapabilities AMT_CryptographicCapabilities AMT_GeneralSystemDefenseCapabilities AMT_NetworkPortSystemDefenseCapabilities AMT_PETCapabilities AMT_PublicKeyManagementCapabilities AMT_RemoteAccessCapabilities CIM_EnabledLogicalElementCapabilities CIM_IEEE8021xCapabilities CIM_PowerManagementCapabilities CIM_PrivilegeManagementCapabilities',
  CIM_Chip: 'CIM_PhysicalMemory',
  CIM_Collection: 'AMT_TLSProtocolEndpointCollection CIM_FilterCollection CIM_Role',
  CIM_Component: 'CIM_ConcreteComponent CIM_OrderedComponent CIM_SoftwareFeatureSoftwareElements CIM_SystemComponent',
  CIM_Controller: 'CIM_PCIController',
  CIM_CoolingDevice: 'CIM_Fan',
  CIM_Credential: 'AMT_ProvisioningCertificateHash AMT_PublicKeyCertificate AMT_PublicPrivateKeyPair CIM_SharedCredential',
  CIM_CredentialContext: 'AMT_8021xCredentialContext AMT_EACCredentialContext AMT_RemoteAccessCredentialContext AMT_TLSCredentialContext IPS_8021xCredentialContext',
  CIM_CredentialManagementService: 'AMT_PublicKeyManagementService AMT_SetupAndConfigurationService',
  CIM_Dependency: 'AMT_FilterInSystemDefensePolicy AMT_InterfacePolicy AMT_NetworkPortDefaultSystemDefensePolicy AMT_PETFilterForTarget AMT_SystemDefensePolicyInService CIM_ConcreteDependency CIM_DeviceSAPImplementation CIM_ElementSoftwareIdentity CIM_HostedDependency CIM_ManagedCredential CIM_ProvidesServiceToElement CIM_Realizes CIM_ReferencedProfile CIM_RemoteAccessAvailableToElement CIM_ServiceAccessBySAP CIM_ServiceSAPDependency CIM_SystemPackaging CIM_UseOfLog IPS_SessionUsingPort',
  CIM_ElementLocation: 'CIM_PhysicalElementLocation',
  CIM_EnabledLogicalElement: 'CIM_Account CIM_Log CIM_LogicalDevice CIM_Service CIM_ServiceAccessPoint CIM_System',
  CIM_EnabledLogicalElementCapabilities: 'CIM_AccountManagementCapabilities CIM_LogicalPortCapabilities CIM_WiFiEndpointCapabilities',
  CIM_HostedDependency: 'CIM_HostedAccessPoint CIM_HostedService CIM_PolicyInSystem',
  CIM_IEEE8021xSettings: 'IPS_IEEE8021xSettings',
  CIM_Identity: 'CIM_RemoteIdentity',
  CIM_Indication: 'CIM_ProcessIndication',
  CIM_Job: 'CIM_ConcreteJob',
  CIM_LANEndpoint: 'CIM_WiFiEndpoint IPS_LANEndpoint',
  CIM_ListenerDestination: 'CIM_ListenerDestinationWSManagement',
  CIM_Log: 'AMT_AuditLog CIM_MessageLog CIM_RecordLog',
  CIM_LogEntry: 'AMT_EventLogEntry IPS_ProvisioningAuditRecord',
  CIM_LogicalDevice: 'CIM_Controller CIM_CoolingDevice CIM_LogicalPort CIM_MediaAccessDevice CIM_PowerSupply CIM_Processor CIM_Sensor CIM_StorageExtent CIM_Watchdog',
  CIM_LogicalElement: 'AMT_FilterEntryBase CIM_EnabledLogicalElement CIM_Job CIM_SoftwareElement CIM_SoftwareFeature CIM_SoftwareIdentity',
  CIM_LogicalPort: 'CIM_NetworkPort',
  CIM_LogicalPortCapabilities: 'CIM_NetworkPortCapabilities',
  CIM_ManagedElement: 'AMT_AssetTable AMT_SystemDefensePolicy CIM_Capabilities CIM_Collection CIM_Credential CIM_Identity CIM_ListenerDestination CIM_Location CIM_ManagedSystemElement CIM_Policy CIM_Privilege CIM_RecordForLog CIM_RegisteredProfile CIM_SettingData CIM_StatisticalData IPS_AlarmClockOccurrence IPS_HostBootReason IPS_WatchDogAction',
  CIM_ManagedSystemElement: 'CIM_LogicalElement CIM_PhysicalElement',
  CIM_MessageLog: 'AMT_MessageLog',
  CIM_NetworkPort: 'CIM_EthernetPort CIM_WiFiPort',
  CIM_NetworkPortCapabilities: 'CIM_WiFiPortCapabilities',
  CIM_NetworkPortConfigurationService: 'AMT_WiFiPortConfigurationService',
  CIM_PCIController: 'AMT_PCIDevice',
  CIM_PhysicalComponent: 'CIM_Chip',
  CIM_PhysicalElement: 'CIM_PhysicalComponent CIM_PhysicalConnector CIM_PhysicalPackage',
  CIM_PhysicalFrame: 'CIM_Chassis',
  CIM_PhysicalPackage: 'CIM_Card CIM_PhysicalFrame',
  CIM_Policy: 'CIM_PolicyAction CIM_PolicyCondition CIM_PolicySet',
  CIM_PolicyAction: 'AMT_AgentPresenceWatchdogAction',
  CIM_PolicyCondition: 'AMT_StateTransitionCondition',
  CIM_PolicyInSystem: 'CIM_PolicySetInSystem',
  CIM_PolicyRule: 'AMT_AuditPolicyRule AMT_RemoteAccessPolicyRule',
  CIM_PolicySet: 'CIM_PolicyRule',
  CIM_PolicySetAppliesToElement: 'AMT_RemoteAccessPolicyAppliesToMPS',
  CIM_PolicySetInSystem: 'CIM_PolicyRuleInSystem',
  CIM_PowerManagementCapabilities: 'IPS_PowerManagementCapabilities',
  CIM_Privilege: 'CIM_AuthorizedPrivilege',
  CIM_PrivilegeManagementCapabilities: 'CIM_RoleBasedManagementCapabilities',
  CIM_PrivilegeManagementService: 'CIM_RoleBasedAuthorizationService',
  CIM_ProcessIndication: 'CIM_AlertIndication',
  CIM_ProtocolEndpoint: 'AMT_TLSProtocolEndpoint CIM_LANEndpoint',
  CIM_ProvidesServiceToElement: 'CIM_ServiceServiceDependency',
  CIM_RecordForLog: 'CIM_LogEntry',
  CIM_RecordLog: 'IPS_ProvisioningRecordLog',
  CIM_RemotePort: 'AMT_EventSubscriber',
  CIM_RemoteServiceAccessPoint: 'AMT_ManagementPresenceRemoteSAP CIM_RemotePort IPS_HTTPProxyAccessPoint',
  CIM_SecurityService: 'CIM_AccountManagementService CIM_AuthenticationService CIM_AuthorizationService IPS_HostBasedSetupService',
  CIM_Service: 'AMT_AgentPresenceService AMT_AlarmClockService AMT_AssetTableService AMT_AuthorizationService AMT_EndpointAccessControlService AMT_EventManagerService AMT_RedirectionService AMT_RemoteAccessService AMT_SystemDefenseService AMT_TimeSynchronizationService AMT_UserInitiatedConnectionService AMT_WebUIService CIM_BootService CIM_IndicationService CIM_NetworkPortConfigurationService CIM_PowerManagementService CIM_RedirectionService CIM_SecurityService IPS_HTTPProxyService IPS_OptInService IPS_PowerManagementService IPS_ScreenConfigurationService IPS_SecIOService',
  CIM_ServiceAccessPoint: 'CIM_KVMRedirectionSAP CIM_ProtocolEndpoint CIM_RemoteServiceAccessPoint',
  CIM_ServiceAvailableToElement: 'CIM_AssociatedPowerManagementService',
  CIM_ServiceSAPDependency: 'AMT_TrapTargetForService',
  CIM_SettingData: 'AMT_8021XProfile AMT_CRL AMT_EnvironmentDetectionSettingData AMT_EthernetPortSettings AMT_GeneralSettings AMT_KerberosSettingData AMT_PETFilterSetting AMT_SystemPowerScheme AMT_TLSSettingData CIM_BootConfigSetting CIM_BootSettingData CIM_BootSourceSetting CIM_IEEE8021xSettings CIM_WiFiEndpointSettings IPS_HostIPSettings IPS_IPv6PortSettings IPS_KVMRedirectionSettingData IPS_ScreenSettingData',
  CIM_SharedCredential: 'AMT_MPSUsernamePassword',
  CIM_SoftwareElement: 'CIM_BIOSElement',
  CIM_SoftwareFeature: 'CIM_BIOSFeature',
  CIM_SoftwareFeatureSoftwareElements: 'CIM_BIOSFeatureBIOSElements',
  CIM_StorageExtent: 'CIM_Memory',
  CIM_System: 'CIM_AdminDomain CIM_ComputerSystem',
  CIM_SystemComponent: 'CIM_AccountOnSystem CIM_SystemBIOS CIM_SystemDevice',
  CIM_SystemPackaging: 'CIM_ComputerSystemPackage',
  CIM_Watchdog: 'AMT_AgentPresenceWatchdog',
  IPS_ProvisioningAuditRecord: 'IPS_AdminProvisioningRecord IPS_ClientProvisioningRecord IPS_DALProvisioningRecord IPS_ManualProvisioningRecord IPS_TLSProvisioningRecord',
  IPS_SessionUsingPort: 'IPS_IderSessionUsingPort IPS_KvmSessionUsingPort IPS_RasSessionUsingPort IPS_SolSessionUsingPort',
};

const PARENT: ReadonlyMap<string, string> = new Map(
  Object.entries(SUBCLASSES).flatMap(([parent, children]) => children.split(' ').map((child) => [child, parent] as [string, string])),
);
