/**
 * Every request builder of Intel's Open AMT message library (@device-management-toolkit/wsman-messages,
 * what Intel's console and RPS send), found by walking its AMT, CIM and IPS `Messages` objects, so a
 * builder added by a new library version is sent too. Arguments for the builders that need them are
 * below; a builder missing here is called without arguments.
 */
import { createHash } from 'node:crypto';
import { AMT, CIM, IPS } from '@device-management-toolkit/wsman-messages';
import { DEFAULT_ACCOUNT } from '../../server/src/sim';

export interface Builder {
  /** `AMT_GeneralSettings.Get`: the WS-Man class and the library's method name. */
  readonly id: string;
  readonly className: string;
  readonly method: string;
  /**
   * Builds the request; Pull takes the enumeration context of a preceding Enumerate, a Put without
   * ARGS the instance as read by Get (read, modify, write, as consoles do).
   */
  readonly build: (enumerationContext?: string, instance?: Record<string, unknown>) => string;
}

const HOST_SELECTOR = { name: 'Name', value: 'Intel(r) AMT' };

/** The simulated device's Digest realm, set once it runs (password inputs are hashes over it). */
let realm = '';
export function useRealm(r: string): void {
  realm = r;
}
/** MD5(user:realm:password), as consoles send passwords: base64 in the ACL methods, hex in host-based setup. */
const a1 = (user: string, password: string, enc: 'base64' | 'hex') => createHash('md5').update(`${user}:${realm}:${password}`).digest(enc);

/** Arguments a builder needs, by `Class.method` (inputs a console would send on a fresh device). */
const ARGS: Record<string, (instance: Record<string, unknown>) => unknown[]> = {
  'AMT_AlarmClockService.AddAlarm': () => [{ ElementName: 'Alarm', InstanceID: 'Alarm', StartTime: new Date('2030-01-01T00:00:00Z'), DeleteOnCompletion: true }],
  'AMT_AuthorizationService.AddUserAclEntryEx': () => [2, [3, 24], 'compatuser', a1('compatuser', 'Compat#Pass1', 'base64')],
  'AMT_AuthorizationService.UpdateUserAclEntryEx': () => [1, 2, [3], 'compatuser', a1('compatuser', 'Compat#Pass2', 'base64')],
  'AMT_AuthorizationService.GetAclEnabledState': () => [1],
  'AMT_AuthorizationService.GetUserAclEntryEx': () => [1],
  'AMT_AuthorizationService.RemoveUserAclEntry': () => [1],
  'AMT_AuthorizationService.SetAclEnabledState': () => [1, true],
  // The admin keeps its password (the requests after this one log in with it).
  'AMT_AuthorizationService.SetAdminACLEntryEx': () => [DEFAULT_ACCOUNT.user, a1(DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password, 'base64')],
  'AMT_RedirectionService.RequestStateChange': () => [32771],
  'AMT_UserInitiatedConnectionService.RequestStateChange': () => [32771],
  'CIM_KVMRedirectionSAP.RequestStateChange': () => [2],
  'CIM_BootService.RequestStateChange': () => [32769],
  'CIM_WiFiPort.RequestStateChange': () => [32768],
  'CIM_PowerManagementService.RequestPowerStateChange': () => [10],
  'IPS_PowerManagementService.RequestOSPowerSavingStateChange': () => [2],
  'AMT_RemoteAccessService.AddMPS': () => [{ AccessInfo: 'mps.example.com', InfoFormat: 201, Port: 4433, AuthMethod: 2, Username: 'mpsuser', Password: 'Mps#Pass1', CommonName: 'mps.example.com' }],
  'AMT_RemoteAccessService.AddRemoteAccessPolicyRule': () => [{ Trigger: 2, TunnelLifeTime: 0, ExtendedData: 'AAAAAAAAABk=' }, { name: 'Name', value: 'mps.example.com' }],
  'AMT_TLSSettingData.Put': () => [{ ElementName: 'Intel(r) AMT LMS TLS Settings', InstanceID: 'Intel(r) AMT LMS TLS Settings', Enabled: true, AcceptNonSecureConnections: true, MutualAuthentication: false }],
  'AMT_WiFiPortConfigurationService.AddWiFiSettings': () => [
    { ElementName: 'home', InstanceID: 'Intel(r) AMT:WiFi Endpoint Settings home', SSID: 'home', Priority: 1, AuthenticationMethod: 6, EncryptionMethod: 4, PSKPassPhrase: 'Compat#Wifi1' },
    { name: 'Name', value: 'WiFi Endpoint 0' },
  ],
  'IPS_HostBasedSetupService.Setup': () => [2, a1(DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password, 'hex')],
  'IPS_HostBasedSetupService.AdminSetup': () => [2, a1(DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password, 'hex'), 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', 2, 'AAAA'],
  'IPS_HostBasedSetupService.AddNextCertInChain': () => ['AAAA', false, true],
  'IPS_HostBasedSetupService.UpgradeClientToAdmin': () => ['AAAAAAAAAAAAAAAAAAAAAAAAAAA=', 2, 'AAAA'],
  // The library wraps this one instance in its class name; user consent for every session (0xFFFFFFFF).
  'IPS_OptInService.Put': (i) => [{ IPS_OptInService: { ...i, OptInRequired: 4294967295 } }],
  'IPS_OptInService.SendOptInCode': () => [123456],
  'IPS_HTTPProxyService.AddProxyAccessPoint': () => [{ AccessInfo: 'proxy.example.com', InfoFormat: 201, Port: 8080, NetworkDnsSuffix: 'example.com' }],
  'AMT_TimeSynchronizationService.SetHighAccuracyTimeSynch': () => [1704586865, 1704586866, 1704586866],
  'AMT_MessageLog.GetRecords': () => [1],
  'AMT_AuditLog.ReadRecords': () => [1],
  'AMT_EthernetPortSettings.SetLinkPreference': () => [1, 60],
  'AMT_SetupAndConfigurationService.SetMEBXPassword': () => ['Compat#Mebx1'],
  'AMT_KerberosSettingData.SetCredentialCacheState': () => [true],
  'CIM_BootService.SetBootConfigRole': () => ['Intel(r) AMT: Boot Configuration 0', 1],
  'CIM_BootConfigSetting.ChangeBootOrder': () => ['Intel(r) AMT: Force Hard-drive Boot'],
  'AMT_PublicKeyManagementService.GenerateKeyPair': () => [{ KeyAlgorithm: 0, KeyLength: 2048 }],
  'AMT_PublicKeyManagementService.AddTrustedRootCertificate': () => [{ CertificateBlob: 'AAAA' }],
  'AMT_PublicKeyManagementService.AddCertificate': () => [{ CertificateBlob: 'AAAA' }],
  'AMT_PublicKeyManagementService.AddKey': () => ['AAAA'],
  // The library writes KeyPair as given: consoles pass the key pair's EPR (its Address and ReferenceParameters).
  'AMT_PublicKeyManagementService.GeneratePKCS10RequestEx': () => [{
    KeyPair:
      '<a:Address>/wsman</a:Address><a:ReferenceParameters><w:ResourceURI>http://intel.com/wbem/wscim/1/amt-schema/1/AMT_PublicPrivateKeyPair</w:ResourceURI>' +
      '<w:SelectorSet><w:Selector Name="InstanceID">Intel(r) AMT Key: Handle: 0</w:Selector></w:SelectorSet></a:ReferenceParameters>',
    SigningAlgorithm: 1,
    NullSignedCertificateRequest: 'AAAA',
  }],
  'AMT_TLSCredentialContext.Create': () => ['Intel(r) AMT Certificate: Handle: 0'],
  'IPS_HTTPProxyAccessPoint.UpdatePriority': () => [{ name: 'Name', value: 'proxy.example.com' }, 1],
};

/** Library helpers on every class that build no request of their own (the public builders call them). */
const HELPER = /^protected/;

type MessagesObject = Record<string, unknown>;

export function allBuilders(): Builder[] {
  const out: Builder[] = [];
  for (const lib of [AMT, CIM, IPS] as const) {
    const messages = new (lib as unknown as { Messages: new () => MessagesObject }).Messages();
    for (const value of Object.values(messages)) {
      const cls = value as Record<string, unknown> & { className?: string };
      if (!cls || typeof cls !== 'object' || typeof cls.className !== 'string') continue;
      for (const method of Object.keys(cls)) {
        const fn = cls[method];
        if (typeof fn !== 'function' || HELPER.test(method)) continue;
        const id = `${cls.className}.${method}`;
        const args = ARGS[id];
        out.push({
          id,
          className: cls.className,
          method,
          build: (ctx, instance) => {
            const input = method === 'Pull' ? [ctx] : method === 'Get' ? [] : args ? args(instance ?? {}) : instance ? [instance] : [];
            return (fn as (...a: unknown[]) => string).apply(cls, input);
          },
        });
      }
    }
  }
  return out;
}

export { HOST_SELECTOR };
