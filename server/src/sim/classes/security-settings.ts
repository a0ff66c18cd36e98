/**
 * Smaller security settings (Intel AMT SDK): AMT_CryptographicCapabilities, AMT_KerberosSettingData
 * (Get/SetCredentialCacheState), IPS_HTTPProxyService.AddProxyAccessPoint and the
 * IPS_HTTPProxyAccessPoint instances it makes (proxies AMT uses to reach an MPS).
 */
import { securityState } from '../security/state';
import { epr, type PropMap } from '../values';
import { AMT_SYSTEM, amtService, cimUri, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef } from './types';

const PROXY_AP = 'IPS_HTTPProxyAccessPoint';
/** AMT_RemoteAccessCapabilities.MaxTotalProxyEntryPoints. */
const MAX_PROXIES = 15;
const DUPLICATE = 2058;
const MAX_LIMIT_REACHED = 23;

const CRYPTO: ClassDef = {
  name: 'AMT_CryptographicCapabilities',
  props: { ElementName: 'string', HardwareAcceleration: 'uint16', InstanceID: 'string key' },
  initial: () => [{ ElementName: 'Intel(r) AMT: Cryptographic Capabilities', HardwareAcceleration: 1, InstanceID: 'Intel(r) AMT: Cryptographic Capabilities 0' }],
};

const KERBEROS: ClassDef = {
  name: 'AMT_KerberosSettingData',
  props: {
    ElementName: 'string', InstanceID: 'string key', KrbEnabled: 'boolean w', RealmName: 'string w',
    // 0 RC4-HMAC, 1 AES128-CTS-HMAC-SHA1-96, 2 AES256-CTS-HMAC-SHA1-96
    SupportedEncryptionAlgorithms: 'uint16[]',
  },
  initial: () => [
    { ElementName: 'Intel(r) AMT: Kerberos Settings', InstanceID: 'Intel (r) AMT: Kerberos Settings', KrbEnabled: false, SupportedEncryptionAlgorithms: [0, 1, 2] },
  ],
  methods: {
    GetCredentialCacheState: {
      run: ({ device }) => ({ returnValue: PT_STATUS.Success, outputs: [['Enabled', securityState(device).kerberosCredentialCache ?? false]] }),
    },
    SetCredentialCacheState: {
      inputs: { Enable: 'boolean req' },
      run: ({ device }, input) => {
        securityState(device).kerberosCredentialCache = input.Enable === true;
        return { returnValue: PT_STATUS.Success };
      },
    },
  },
};

const proxyName = (n: number) => `Intel(r) ME:HTTP Proxy Access Point ${n}`;

const PROXY_SERVICE: ClassDef = {
  name: 'IPS_HTTPProxyService',
  commonNs: true,
  props: { ...SERVICE_PROPS, SyncEnabled: 'boolean w' },
  initial: () => [amtService('IPS_HTTPProxyService', 'Intel(r) AMT HTTP Proxy Service', { EnabledState: 5, RequestedState: 12, SyncEnabled: false })],
  methods: {
    AddProxyAccessPoint: {
      inputs: { AccessInfo: 'string req', InfoFormat: 'uint16 req', Port: 'uint16 req', NetworkDnsSuffix: 'string req' },
      outputs: { ProxyAccessPoint: 'epr' },
      run: ({ device }, input) => {
        const list = device.instances(PROXY_AP);
        // InfoFormat 3 IPv4, 4 IPv6, 201 FQDN.
        if (![3, 4, 201].includes(Number(input.InfoFormat)) || String(input.AccessInfo) === '') return { returnValue: PT_STATUS.InvalidParameter };
        // AMT answers a duplicate with an empty EPR (recorded).
        if (list.some((p) => p.AccessInfo === input.AccessInfo && p.Port === input.Port && p.NetworkDnsSuffix === input.NetworkDnsSuffix)) {
          return { returnValue: DUPLICATE, outputs: [['ProxyAccessPoint', epr('', {})]] };
        }
        if (list.length >= MAX_PROXIES) return { returnValue: MAX_LIMIT_REACHED };
        const used = new Set(list.map((p) => p.Name));
        let n = 0;
        while (used.has(proxyName(n))) n++;
        const inst: PropMap = {
          AccessInfo: input.AccessInfo,
          CreationClassName: PROXY_AP,
          ElementName: 'Intel(r) ME:HTTP Proxy Access Point',
          InfoFormat: input.InfoFormat,
          Name: proxyName(n),
          NetworkDnsSuffix: input.NetworkDnsSuffix,
          Port: input.Port,
          SystemCreationClassName: 'CIM_ComputerSystem',
          SystemName: AMT_SYSTEM,
        };
        list.push(inst);
        const ref = epr(cimUri(PROXY_AP), { CreationClassName: PROXY_AP, Name: proxyName(n), SystemCreationClassName: 'CIM_ComputerSystem', SystemName: AMT_SYSTEM });
        return { returnValue: PT_STATUS.Success, outputs: [['ProxyAccessPoint', ref]] };
      },
    },
  },
};

const PROXY_ACCESS_POINT: ClassDef = {
  name: PROXY_AP,
  props: {
    AccessInfo: 'string', CreationClassName: 'string key', ElementName: 'string', InfoFormat: 'uint16', Name: 'string key',
    NetworkDnsSuffix: 'string', Port: 'uint16', SystemCreationClassName: 'string key', SystemName: 'string key',
  },
  initial: () => [],
  remove: (device, inst) => {
    const list = device.instances(PROXY_AP);
    list.splice(list.indexOf(inst), 1);
  },
};

export const SECURITY_SETTING_CLASSES: readonly ClassDef[] = [CRYPTO, KERBEROS, PROXY_SERVICE, PROXY_ACCESS_POINT];
