/**
 * Wireless and 802.1x (Intel AMT SDK "Wireless" and "802.1x" feature pages; DMTF DSP1047 Wireless
 * LAN Profile): the Wi-Fi port and endpoint with their capabilities, the profiles
 * (CIM_WiFiEndpointSettings) that AMT_WiFiPortConfigurationService.AddWiFiSettings creates and
 * WS-Transfer Delete removes, each profile's 802.1x settings (CIM_IEEE8021xSettings), and the wired
 * 802.1x classes (AMT_8021XProfile, IPS_IEEE8021xSettings and their credential contexts). The Wi-Fi
 * classes exist only on models with Wi-Fi (models.ts). Shapes are the recorded ones
 * (test/fixtures/real-amt: cim/wifi/*, amt/wifiportconfiguration, amt/ieee8021x, cim/ieee8021x, ips/ieee8021x).
 *
 * AddWiFiSettings / UpdateWiFiSettings return PT_STATUS codes. Rules (the simulator's reading of the
 * SDK's profile rules; AMT answers only ReturnValue, as recorded): the settings need an ElementName
 * (the profile name) and an SSID, else 36 INVALID_PARAMETER; a name already used is 2058 DUPLICATE;
 * a priority already used is 2067 INVALID_PRIORITY; a PSK profile (AuthenticationMethod 4 or 6)
 * needs PSKPassPhrase or PSKValue and an 802.1x one (5 or 7) needs IEEE8021xSettingsInput, else 2057
 * DATA_MISSING; more than MAX_PROFILES profiles is 23 MAX_LIMIT_REACHED (the limit is this
 * simulator's choice). Pass phrases, PSKs and passwords are write-only: they are never stored in an
 * instance, so no Get or Enumerate shows them.
 */
import { CIM_RETURN } from '../power-states';
import { epr, type EprValue, type PropMap, type PropValue } from '../values';
import { readEmbedded } from '../wsman/embedded';
import { WsmanFault } from '../wsman/faults';
import { classInfo } from './registry';
import { AMT_SYSTEM, amtService, cimUri, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef, MethodResult } from './types';
import type { SimDevice } from '../device';

const MAX_PROFILES = 32;
const PT = { ...PT_STATUS, MaxLimitReached: 23, DataMissing: 2057, Duplicate: 2058, InvalidPriority: 2067 } as const;
const SETTINGS = 'CIM_WiFiEndpointSettings';
const IEEE = 'CIM_IEEE8021xSettings';
const CONTEXT = 'CIM_CredentialContext';
const SECRET = ['PSKPassPhrase', 'PSKValue', 'Keys', 'Password', 'PACPassword', 'PSK', 'ProtectedAccessCredential'];

const done = (returnValue: number): MethodResult => ({ returnValue });
const isEpr = (v: PropValue | undefined): v is EprValue =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && (v as EprValue).kind === 'epr';
const withoutSecrets = (p: PropMap): PropMap => Object.fromEntries(Object.entries(p).filter(([k]) => !SECRET.includes(k)));

function embedded(value: PropValue | undefined, className: string, name: string): PropMap {
  const info = classInfo(className);
  if (!info) throw new WsmanFault('InternalError', `no class definition for ${className}`);
  return readEmbedded(value, info, name);
}

/** Checks a profile against the rules above; `replacing` is the profile an update changes. */
function check(d: SimDevice, s: PropMap, ieee: PropMap | undefined, replacing?: PropMap): number {
  const others = d.instances(SETTINGS).filter((p) => p !== replacing);
  if (typeof s.ElementName !== 'string' || s.ElementName === '' || typeof s.SSID !== 'string' || s.SSID === '') return PT.InvalidParameter;
  if (others.some((p) => p.ElementName === s.ElementName || (s.InstanceID !== undefined && p.InstanceID === s.InstanceID))) return PT.Duplicate;
  if (s.Priority !== undefined && others.some((p) => p.Priority === s.Priority)) return PT.InvalidPriority;
  const auth = Number(s.AuthenticationMethod);
  if ((auth === 4 || auth === 6) && s.PSKPassPhrase === undefined && s.PSKValue === undefined) return PT.DataMissing;
  if ((auth === 5 || auth === 7) && !ieee) return PT.DataMissing;
  if (!replacing && others.length >= MAX_PROFILES) return PT.MaxLimitReached;
  return PT.Success;
}

/** Stores (or replaces) a profile and its 802.1x settings and credential contexts. */
function store(d: SimDevice, s: PropMap, ieee: PropMap | undefined, input: Record<string, PropValue>, replacing?: PropMap): void {
  const name = String(s.ElementName);
  const profile: PropMap = { BSSType: 3, ...withoutSecrets(s), InstanceID: s.InstanceID ?? replacing?.InstanceID ?? name };
  if (replacing) {
    removeProfileExtras(d, replacing);
    Object.keys(replacing).forEach((k) => delete replacing[k]);
    Object.assign(replacing, profile);
  } else {
    d.instances(SETTINGS).push(profile);
  }
  if (!ieee) return;
  const settings: PropMap = { ElementName: name, ...withoutSecrets(ieee), InstanceID: `Intel(r) AMT:IEEE 802.1x Settings ${name}` };
  d.instances(IEEE).push(settings);
  const settingsEpr = epr(cimUri(IEEE), { InstanceID: String(settings.InstanceID) });
  // The certificates the profile's 802.1x uses, as CIM_CredentialContext instances (as recorded, cim/credential/context/pull.xml).
  for (const cred of [input.ClientCredential, input.CACredential]) {
    if (isEpr(cred)) d.instances(CONTEXT).push({ ElementInContext: cred, ElementProvidingContext: settingsEpr });
  }
}

function ieeeFor(d: SimDevice, profile: PropMap): PropMap | undefined {
  return d.instances(IEEE).find((i) => i.InstanceID === `Intel(r) AMT:IEEE 802.1x Settings ${String(profile.ElementName)}`);
}

function removeProfileExtras(d: SimDevice, profile: PropMap): void {
  const ieee = ieeeFor(d, profile);
  if (!ieee) return;
  const list = d.instances(IEEE);
  list.splice(list.indexOf(ieee), 1);
  const contexts = d.instances(CONTEXT);
  for (let i = contexts.length - 1; i >= 0; i--) {
    const c = contexts[i].ElementProvidingContext;
    if (isEpr(c) && c.selectors.some((s) => s.value === ieee.InstanceID)) contexts.splice(i, 1);
  }
}

const PROFILE_INPUTS = { WiFiEndpointSettingsInput: 'instance req', IEEE8021xSettingsInput: 'instance', ClientCredential: 'epr', CACredential: 'epr' };

/** AddWiFiSettings (no `current`) or UpdateWiFiSettings of `current`: checks, stores, returns the PT_STATUS. */
function saveProfile(d: SimDevice, input: Record<string, PropValue>, current?: PropMap): number {
  const s = embedded(input.WiFiEndpointSettingsInput, SETTINGS, 'WiFiEndpointSettingsInput');
  if (current) s.InstanceID = current.InstanceID;
  const ieee = input.IEEE8021xSettingsInput === undefined ? undefined : embedded(input.IEEE8021xSettingsInput, IEEE, 'IEEE8021xSettingsInput');
  const verdict = check(d, s, ieee, current);
  if (verdict === PT.Success) store(d, s, ieee, input, current);
  return verdict;
}

const ENDPOINT_PROPS = { CreationClassName: 'string key', ElementName: 'string', Name: 'string key', SystemCreationClassName: 'string key', SystemName: 'string key' };

// As recorded: AMT answers the endpoint and both capability classes with their ElementName only.
const WIFI_ENDPOINT: ClassDef = { name: 'CIM_WiFiEndpoint', props: ENDPOINT_PROPS, initial: () => [{ ElementName: 'CIM_WiFiEndpoint' }] };
const ENDPOINT_CAPS: ClassDef = {
  name: 'CIM_WiFiEndpointCapabilities',
  props: { ElementName: 'string', InstanceID: 'string key' },
  initial: () => [{ ElementName: 'CIM_WiFiEndpointCapabilities' }],
};
const PORT_CAPS: ClassDef = {
  name: 'CIM_WiFiPortCapabilities',
  props: { ElementName: 'string', InstanceID: 'string key' },
  initial: () => [{ ElementName: 'CIM_WiFiPortCapabilities' }],
};

const ENDPOINT_SETTINGS: ClassDef = {
  name: SETTINGS,
  props: {
    AuthenticationMethod: 'uint16', BSSType: 'uint16', ElementName: 'string', EncryptionMethod: 'uint16', InstanceID: 'string key',
    KeyIndex: 'uint8', Keys: 'hexBinary[]', PSKPassPhrase: 'string', PSKValue: 'base64', Priority: 'uint8', SSID: 'string',
  },
  initial: () => [],
  remove: (d, instance) => {
    removeProfileExtras(d, instance);
    const list = d.instances(SETTINGS);
    list.splice(list.indexOf(instance), 1);
  },
};

/** CIM_WiFiPort.RequestStateChange: 3 disabled, 32768 enabled in S0, 32769 enabled in S0 and Sx/AC (Intel AMT SDK CIM_WiFiPort). */
const WIFI_PORT: ClassDef = {
  name: 'CIM_WiFiPort',
  commonNs: true,
  props: {
    CreationClassName: 'string key', DeviceID: 'string key', ElementName: 'string', EnabledState: 'uint16', HealthState: 'uint16',
    LinkTechnology: 'uint16', PermanentAddress: 'string', PortType: 'uint16', RequestedState: 'uint16',
    SystemCreationClassName: 'string key', SystemName: 'string key',
  },
  initial: (d) => [
    {
      CreationClassName: 'CIM_WiFiPort', DeviceID: 'WiFi Port 0', ElementName: 'WiFi Port 0', EnabledState: 3, HealthState: 5,
      LinkTechnology: 11, PermanentAddress: d.identity.wirelessMac.replace(/-/g, ''), PortType: 0, RequestedState: 3,
      SystemCreationClassName: 'CIM_ComputerSystem', SystemName: AMT_SYSTEM,
    },
  ],
  methods: {
    RequestStateChange: {
      inputs: { RequestedState: 'uint16 req', TimeoutPeriod: 'datetime' },
      run: ({ instance }, input) => {
        const wanted = Number(input.RequestedState);
        if (![3, 32768, 32769].includes(wanted)) return done(CIM_RETURN.InvalidParameter);
        if (instance) Object.assign(instance, { EnabledState: wanted, RequestedState: wanted });
        return done(CIM_RETURN.Completed);
      },
    },
  },
};

const PORT_CONFIGURATION: ClassDef = {
  name: 'AMT_WiFiPortConfigurationService',
  props: {
    ...SERVICE_PROPS,
    LastConnectedSsidUnderMeControl: 'string',
    NoHostCsmeSoftwarePolicy: 'uint32 w',
    UEFIWiFiProfileShareEnabled: 'boolean w',
    localProfileSynchronizationEnabled: 'uint32 w',
  },
  initial: () => [
    amtService('AMT_WiFiPortConfigurationService', 'Intel(r) AMT WiFi Port Configuration Service', {
      ElementName: 'Intel(r) AMT WiFiPort Configuration Service', EnabledState: 5, HealthState: 5, LastConnectedSsidUnderMeControl: '',
      NoHostCsmeSoftwarePolicy: 0, RequestedState: 12, UEFIWiFiProfileShareEnabled: false, localProfileSynchronizationEnabled: 0,
    }),
  ],
  methods: {
    AddWiFiSettings: {
      inputs: { WiFiEndpoint: 'epr req', ...PROFILE_INPUTS },
      run: ({ device }, input) => {
        const target = input.WiFiEndpoint;
        if (!isEpr(target) || target.resourceUri !== cimUri('CIM_WiFiEndpoint')) return done(PT.InvalidParameter);
        return done(saveProfile(device, input));
      },
    },
    UpdateWiFiSettings: {
      inputs: { WiFiEndpointSettings: 'epr req', ...PROFILE_INPUTS },
      run: ({ device }, input) => {
        const ref = input.WiFiEndpointSettings;
        const id = isEpr(ref) ? ref.selectors.find((x) => x.name === 'InstanceID')?.value : undefined;
        const current = device.instances(SETTINGS).find((p) => p.InstanceID === id);
        return done(current ? saveProfile(device, input, current) : PT.InvalidParameter);
      },
    },
  },
};

const IEEE_PROPS = {
  AuthenticationProtocol: 'uint16', Domain: 'string', ElementName: 'string', InstanceID: 'string key', PACPassword: 'string',
  Password: 'string', ProtectedAccessCredential: 'base64', PSK: 'base64', RoamingIdentity: 'string', ServerCertificateName: 'string',
  ServerCertificateNameComparison: 'uint16', Username: 'string',
};

const IEEE8021X_SETTINGS: ClassDef = { name: IEEE, props: IEEE_PROPS, initial: () => [] };

/** Wired 802.1x, the older AMT_8021XProfile (Put). */
const PROFILE_8021X: ClassDef = {
  name: 'AMT_8021XProfile',
  props: {
    ActiveInS0: 'boolean w', AuthenticationProtocol: 'uint16 w', ClientCertificate: 'epr w', Domain: 'string w', ElementName: 'string',
    Enabled: 'boolean w', InstanceID: 'string key', Password: 'string w', PxeTimeout: 'uint32 w', RoamingIdentity: 'string w',
    ServerCertificateIssuer: 'epr w', ServerCertificateName: 'string w', ServerCertificateNameComparison: 'uint16 w', Username: 'string w',
  },
  initial: () => [{ ActiveInS0: true, ElementName: 'Intel(r) AMT 802.1x Profile', Enabled: false, InstanceID: 'Intel(r) AMT 802.1x Profile 0', PxeTimeout: 0 }],
};

const CONTEXT_PROPS = { ElementInContext: 'epr key', ElementProvidingContext: 'epr key', Usage: 'uint16' };
const AMT_CONTEXT: ClassDef = { name: 'AMT_8021xCredentialContext', props: CONTEXT_PROPS, initial: () => [] };
const IPS_CONTEXT: ClassDef = { name: 'IPS_8021xCredentialContext', props: CONTEXT_PROPS, initial: () => [] };
/** CIM_CredentialContext: certificate ↔ a Wi-Fi profile's CIM_IEEE8021xSettings (made by AddWiFiSettings). */
const CREDENTIAL_CONTEXT: ClassDef = {
  name: CONTEXT,
  props: { ElementInContext: 'epr key', ElementProvidingContext: 'epr key' },
  initial: () => [],
};

/** Wired 802.1x, IPS_IEEE8021xSettings (Put; SetCertificates names the certificates, as IPS_8021xCredentialContext instances). */
const IPS_IEEE: ClassDef = {
  name: 'IPS_IEEE8021xSettings',
  props: {
    AuthenticationProtocol: 'uint16 w', AvailableInS0: 'boolean w', Domain: 'string w', ElementName: 'string', Enabled: 'uint16 w',
    InstanceID: 'string key', Password: 'string w', PxeTimeout: 'uint32 w', RoamingIdentity: 'string w', ServerCertificateName: 'string w',
    ServerCertificateNameComparison: 'uint16 w', Username: 'string w',
  },
  initial: () => [{ AvailableInS0: false, ElementName: 'Intel(r) AMT: 8021X Settings', Enabled: 3, InstanceID: 'Intel(r) AMT: 8021X Settings', PxeTimeout: 120 }],
  methods: {
    SetCertificates: {
      inputs: { ServerCertificateIssuer: 'epr', ClientCertificate: 'epr' },
      run: ({ device }, input) => {
        const self = epr(cimUri('IPS_IEEE8021xSettings'), { InstanceID: 'Intel(r) AMT: 8021X Settings' });
        const list = device.instances('IPS_8021xCredentialContext');
        list.length = 0;
        if (isEpr(input.ClientCertificate)) list.push({ ElementInContext: input.ClientCertificate, ElementProvidingContext: self, Usage: 1 });
        if (isEpr(input.ServerCertificateIssuer)) list.push({ ElementInContext: input.ServerCertificateIssuer, ElementProvidingContext: self, Usage: 2 });
        return done(PT.Success);
      },
    },
  },
};

export const WIFI_CLASSES_DEFS: readonly ClassDef[] = [
  WIFI_ENDPOINT, ENDPOINT_CAPS, PORT_CAPS, ENDPOINT_SETTINGS, WIFI_PORT, PORT_CONFIGURATION, IEEE8021X_SETTINGS, PROFILE_8021X,
  AMT_CONTEXT, IPS_CONTEXT, IPS_IEEE, CREDENTIAL_CONTEXT,
];
