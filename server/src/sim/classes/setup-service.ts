/**
 * Provisioning: AMT_SetupAndConfigurationService, IPS_HostBasedSetupService and
 * IPS_ProvisioningRecordLog (Intel AMT SDK class pages; the state table in rpc-go's local
 * activation: pre-provisioning = ProvisioningState 0 / CurrentControlMode 0, host-based setup =
 * state 2, ProvisioningMode 4, control mode 1 (CCM), admin setup or upgrade = ProvisioningMode 1,
 * control mode 2 (ACM)). Setup and AdminSetup take the admin password as the Digest A1 in hex
 * (NetAdminPassEncryptionType 2, HTTP Digest MD5(A1)). In CCM user consent is always required
 * (SDK "User Consent"): IPS_OptInService.OptInRequired becomes 0xFFFFFFFF and cannot be changed.
 * Unprovision returns to pre-provisioning and resets the accounts to the factory admin.
 * Audited: 1600/1601 provisioning started/completed, 1618 upgrade to ACM, 1619 unprovisioning.
 */
import { audit, AUDIT } from '../audit/log';
import type { SimDevice } from '../device';
import { sideState } from '../side-state';
import { datetime, type PropValue } from '../values';
import { chainProblem, leafCn, newConfigurationNonce, rootHash, signatureHolds, trustedRootHashes } from './provisioning-trust';
import { amtService, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef, MethodResult } from './types';

const SETUP = 'AMT_SetupAndConfigurationService';
const HBS = 'IPS_HostBasedSetupService';

export const PROVISIONING = { Pre: 0, In: 1, Post: 2 } as const;
export const CONTROL_MODE = { None: 0, Client: 1, Admin: 2 } as const;

/** PT_STATUS codes used here (Intel AMT SDK PT_STATUS table). */
const STATUS = { InvalidPtMode: 3, NotPermitted: 16, InvalidProvisioningState: 32, InvalidPassword: 2054 } as const;
/** IPS_HostBasedSetupService return values (go-wsman-messages `ips/hostbasedsetup/decoder.go`). */
const HBS_STATUS = { InvalidState: 2, InvalidParam: 3 } as const;
/** AddNextCertInChain return values (same decoder). */
const CHAIN_STATUS = { InvalidParam: 1, InvalidState: 3, CertVerifyFailed: 4, ChainLengthExceeded: 5 } as const;
/** AdminSetup's AuthFailed: the McNonce signature does not verify with the leaf's key. */
const ADMIN_AUTH_FAILED = 5;
/** Certificates a chain may hold at most (a choice; the SDK leaves it open). */
const MAX_CHAIN = 4;

const ALL_CONSENT = 0xffffffff;

function setupInstance(device: SimDevice) {
  return device.singleton(SETUP);
}

function hbsInstance(device: SimDevice) {
  return device.singleton(HBS);
}

export function controlMode(device: SimDevice): number {
  return Number(hbsInstance(device).CurrentControlMode ?? 0);
}

/** The MEBx password state and the uploaded certificate chain (JSON-able; not instances). */
/** Provisioning state beyond the instances (a side object that `--state` keeps, side-state.ts). */
export function provisioningExtra(device: SimDevice) {
  return sideState<{ mebxPasswordSet: boolean; chain: string[] }>(device, 'provisioning', () => ({ mebxPasswordSet: false, chain: [] }));
}

function enterMode(device: SimDevice, mode: number): void {
  const setup = setupInstance(device);
  setup.ProvisioningState = PROVISIONING.Post;
  setup.ProvisioningMode = mode === CONTROL_MODE.Client ? 4 : 1;
  const hbs = hbsInstance(device);
  hbs.CurrentControlMode = mode;
  hbs.CertChainStatus = 0;
  provisioningExtra(device).chain = [];
  const optIn = device.instances('IPS_OptInService')[0];
  if (optIn && mode === CONTROL_MODE.Client) Object.assign(optIn, { OptInRequired: ALL_CONSENT, CanModifyOptInPolicy: 0 });
  if (optIn && mode === CONTROL_MODE.Admin) optIn.CanModifyOptInPolicy = 1;
}

/**
 * AMTHI Unprovision from the host (intel/lms UnprovisionCommand; SDK CFG_Unprovision): Client
 * Control Mode only. Returns the AMTHI status: 0, NOT_PERMITTED (0x10) in ACM, INVALID_PROVISIONING_STATE
 * (0x20) when there is nothing to undo.
 */
export function unprovisionFromHost(device: SimDevice): number {
  if (setupInstance(device).ProvisioningState === PROVISIONING.Pre) return 0x20;
  if (controlMode(device) !== CONTROL_MODE.Client) return 0x10;
  unprovision(device, '02');
  return 0;
}

function unprovision(device: SimDevice, initiator = '04'): void {
  audit(device, AUDIT.UnprovisioningStarted, initiator); // initiator 4 = Remote WSMAN, 2 = local host interface (MC decoder)
  const setup = setupInstance(device);
  setup.ProvisioningState = PROVISIONING.Pre;
  const hbs = hbsInstance(device);
  Object.assign(hbs, { CurrentControlMode: CONTROL_MODE.None, CertChainStatus: 0, ConfigurationNonce: newConfigurationNonce() });
  provisioningExtra(device).chain = [];
  device.accounts.reset();
  const optIn = device.instances('IPS_OptInService')[0];
  if (optIn) Object.assign(optIn, { OptInRequired: 1, CanModifyOptInPolicy: 1 }); // factory policy: KVM
}

/** Starts the device out of the box: pre-provisioning, factory admin, nothing audited (`amtwb sim --unprovisioned`). */
export function enterPreProvisioning(device: SimDevice): void {
  setupInstance(device).ProvisioningState = PROVISIONING.Pre;
  Object.assign(hbsInstance(device), { CurrentControlMode: CONTROL_MODE.None, CertChainStatus: 0, ConfigurationNonce: newConfigurationNonce() });
  provisioningExtra(device).chain = [];
  device.accounts.reset();
  const optIn = device.instances('IPS_OptInService')[0];
  // MEBx's factory "User Opt-in" is KVM (OptInRequired 1) until an activation or the admin changes it.
  if (optIn) Object.assign(optIn, { OptInRequired: 1, CanModifyOptInPolicy: 1 });
}

/** Writes the provisioning record of this activation (IPS_ProvisioningRecordLog's one record). */
function record(device: SimDevice, mode: number): void {
  const className = mode === CONTROL_MODE.Admin ? 'IPS_AdminProvisioningRecord' : 'IPS_ClientProvisioningRecord';
  for (const name of ['IPS_AdminProvisioningRecord', 'IPS_ClientProvisioningRecord']) device.instances(name).splice(0);
  const base = { InstanceID: 'Intel(r) AMT:IPS_ProvisioningAuditRecord 1', ElementName: 'Intel(r) AMT Provisioning Record', CreationTimeStamp: datetime(new Date(device.now()).toISOString().replace(/\.\d+Z$/, 'Z')) };
  const chain = provisioningExtra(device).chain;
  const leaf = chain[0];
  const extra = mode === CONTROL_MODE.Admin && leaf
    ? { CertificateCN: leafCn(leaf), SelectedHashType: 2, SelectedHashData: rootHash(chain), HashIsOemDefault: false, SecureDNS: false, EHBCState: false }
    : { HashAlgorithm: 0, ProvCertificateHash: '' };
  device.instances(className).push({ ...base, ...extra });
}

/** Admin password from Setup/AdminSetup: 32 hex digits of MD5(admin:realm:password). */
function setAdminFromHex(device: SimDevice, type: unknown, hex: unknown): boolean {
  if (Number(type) !== 2 || !/^[0-9a-fA-F]{32}$/.test(String(hex))) return false;
  device.accounts.setAdmin('admin', String(hex));
  return true;
}

const strongPassword = (p: string) =>
  p.length >= 8 && p.length <= 32 && /[a-z]/.test(p) && /[A-Z]/.test(p) && /\d/.test(p) && /[^A-Za-z0-9]/.test(p);

const done = (): MethodResult => ({ returnValue: PT_STATUS.Success });

/** Host-based Setup and AdminSetup: the admin password from its hash, then Client or Admin Control Mode, audited. */
function provision(device: SimDevice, input: Record<string, PropValue>, mode: number): MethodResult {
  audit(device, AUDIT.ProvisioningStarted);
  if (!setAdminFromHex(device, input.NetAdminPassEncryptionType, input.NetworkAdminPassword)) return { returnValue: HBS_STATUS.InvalidParam };
  record(device, mode);
  enterMode(device, mode);
  audit(device, AUDIT.ProvisioningCompleted);
  return done();
}

const SETUP_SERVICE: ClassDef = {
  name: SETUP,
  commonNs: true,
  props: {
    ...SERVICE_PROPS,
    ConfigurationServerFQDN: 'string w',
    DhcpDNSSuffix: 'string',
    PasswordModel: 'uint8',
    ProvisioningMode: 'uint8',
    ProvisioningServerOTP: 'base64',
    ProvisioningState: 'uint8',
    TrustedDNSSuffix: 'string',
    ZeroTouchConfigurationEnabled: 'boolean w',
  },
  initial: (device) => {
    return [
      amtService(SETUP, 'Intel(r) AMT Setup and Configuration Service', {
        EnabledState: 5,
        PasswordModel: 1,
        ProvisioningMode: 1, // Admin Control Mode
        ProvisioningServerOTP: Buffer.alloc(32).toString('base64'),
        ProvisioningState: PROVISIONING.Post,
        RequestedState: 12,
        ZeroTouchConfigurationEnabled: true,
      }),
    ];
  },
  methods: {
    GetUuid: {
      outputs: { UUID: 'base64' },
      run: ({ device }) => ({ returnValue: PT_STATUS.Success, outputs: [['UUID', device.identity.uuidBytes.toString('base64')]] }),
    },
    CommitChanges: {
      // Staged settings take effect now (security/commit.ts applies the TLS ones on this event).
      run: ({ device }) => {
        device.emit('commit');
        return done();
      },
    },
    Unprovision: {
      inputs: { ProvisioningMode: 'uint32' },
      run: ({ device }, input) => {
        if (input.ProvisioningMode !== undefined && Number(input.ProvisioningMode) > 3) return { returnValue: PT_STATUS.InvalidParameter };
        if (setupInstance(device).ProvisioningState === PROVISIONING.Pre) return { returnValue: STATUS.InvalidProvisioningState };
        unprovision(device);
        return done();
      },
    },
    PartialUnprovision: {
      // ACM only (rpc-go `deactivate --partial`).
      run: ({ device }) => {
        if (setupInstance(device).ProvisioningState === PROVISIONING.Pre) return { returnValue: STATUS.InvalidProvisioningState };
        if (controlMode(device) !== CONTROL_MODE.Admin) return { returnValue: STATUS.NotPermitted };
        unprovision(device);
        return done();
      },
    },
    SetMEBxPassword: {
      inputs: { Password: 'string' },
      // ACM only; AMT's strong-password rule: 8-32 characters with upper, lower, digit and symbol.
      run: ({ device }, input) => {
        if (controlMode(device) !== CONTROL_MODE.Admin) return { returnValue: STATUS.InvalidPtMode };
        if (!strongPassword(String(input.Password ?? ''))) return { returnValue: STATUS.InvalidPassword };
        provisioningExtra(device).mebxPasswordSet = true;
        return done();
      },
    },
    GetUnprovisionBlockingComponents: {
      run: () => ({ returnValue: PT_STATUS.Success, outputs: [['Component', []]] }),
    },
  },
};

const HOST_BASED_SETUP: ClassDef = {
  name: HBS,
  commonNs: true,
  props: {
    AllowedControlModes: 'uint8[]',
    CertChainStatus: 'uint8',
    ConfigurationNonce: 'base64',
    CreationClassName: 'string key',
    CurrentControlMode: 'uint8',
    ElementName: 'string',
    Name: 'string key',
    SystemCreationClassName: 'string key',
    SystemName: 'string key',
  },
  initial: () => [
    amtService(HBS, 'Intel(r) AMT Host Based Setup Service', {
      AllowedControlModes: [2, 1],
      CertChainStatus: 0,
      ConfigurationNonce: Buffer.alloc(20, 0x5a).toString('base64'),
      CurrentControlMode: CONTROL_MODE.Admin,
    }),
  ],
  methods: {
    Setup: {
      inputs: {
        NetAdminPassEncryptionType: 'uint16 req', NetworkAdminPassword: 'hexBinary req', McNonce: 'base64',
        Certificate: 'base64', SigningAlgorithm: 'uint16', DigitalSignature: 'base64',
      },
      run: ({ device }, input) => {
        if (setupInstance(device).ProvisioningState !== PROVISIONING.Pre) return { returnValue: HBS_STATUS.InvalidState };
        return provision(device, input, CONTROL_MODE.Client);
      },
    },
    AddNextCertInChain: {
      inputs: { NextCertificate: 'base64 req', IsLeafCertificate: 'boolean', IsRootCertificate: 'boolean' },
      run: ({ device }, input) => {
        const hbs = hbsInstance(device);
        if (setupInstance(device).ProvisioningState === PROVISIONING.Post && controlMode(device) !== CONTROL_MODE.Client) {
          return { returnValue: CHAIN_STATUS.InvalidState };
        }
        const cert = String(input.NextCertificate).replace(/\s/g, '');
        if (cert === '') return { returnValue: CHAIN_STATUS.InvalidParam };
        const extra = provisioningExtra(device);
        if (input.IsLeafCertificate === true) extra.chain = [];
        else if (extra.chain.length === 0) return { returnValue: CHAIN_STATUS.InvalidParam }; // the leaf comes first
        if (extra.chain.length >= MAX_CHAIN) return { returnValue: CHAIN_STATUS.ChainLengthExceeded };
        extra.chain.push(cert);
        if (input.IsRootCertificate === true && chainProblem(device, extra.chain, trustedRootHashes(device)) !== undefined) {
          extra.chain = [];
          hbs.CertChainStatus = 0;
          return { returnValue: CHAIN_STATUS.CertVerifyFailed };
        }
        hbs.CertChainStatus = input.IsRootCertificate === true ? 2 : 1;
        return done();
      },
    },
    AdminSetup: {
      inputs: {
        NetAdminPassEncryptionType: 'uint16 req', NetworkAdminPassword: 'hexBinary req', McNonce: 'base64',
        SigningAlgorithm: 'uint16', DigitalSignature: 'base64',
      },
      run: ({ device }, input) => {
        if (setupInstance(device).ProvisioningState !== PROVISIONING.Pre || hbsInstance(device).CertChainStatus !== 2) {
          return { returnValue: HBS_STATUS.InvalidState };
        }
        if (input.DigitalSignature === undefined || input.McNonce === undefined) return { returnValue: HBS_STATUS.InvalidParam };
        const hbs = hbsInstance(device);
        const nonce = String(hbs.ConfigurationNonce);
        hbs.ConfigurationNonce = newConfigurationNonce(); // one attempt per nonce
        const leaf = provisioningExtra(device).chain[0] ?? '';
        if (!signatureHolds(leaf, nonce, String(input.McNonce), String(input.DigitalSignature), Number(input.SigningAlgorithm ?? 2))) return { returnValue: ADMIN_AUTH_FAILED };
        return provision(device, input, CONTROL_MODE.Admin);
      },
    },
    UpgradeClientToAdmin: {
      inputs: { McNonce: 'base64', SigningAlgorithm: 'uint16', DigitalSignature: 'base64' },
      run: ({ device }, input) => {
        if (controlMode(device) !== CONTROL_MODE.Client || hbsInstance(device).CertChainStatus !== 2) {
          return { returnValue: HBS_STATUS.InvalidState };
        }
        if (input.DigitalSignature === undefined || input.McNonce === undefined) return { returnValue: HBS_STATUS.InvalidParam };
        const hbs = hbsInstance(device);
        const nonce = String(hbs.ConfigurationNonce);
        hbs.ConfigurationNonce = newConfigurationNonce();
        const chain = provisioningExtra(device).chain;
        if (!signatureHolds(chain[0] ?? '', nonce, String(input.McNonce), String(input.DigitalSignature), Number(input.SigningAlgorithm ?? 2))) return { returnValue: ADMIN_AUTH_FAILED };
        record(device, CONTROL_MODE.Admin);
        enterMode(device, CONTROL_MODE.Admin);
        audit(device, AUDIT.UpgradeToAdmin);
        return done();
      },
    },
  },
};

const PROVISIONING_RECORD_LOG: ClassDef = {
  name: 'IPS_ProvisioningRecordLog',
  commonNs: true,
  props: {
    CurrentNumberOfRecords: 'uint64',
    ElementName: 'string',
    EnabledState: 'uint16',
    HealthState: 'uint16',
    InstanceID: 'string key',
    LogState: 'uint16',
    MaxNumberOfRecords: 'uint64',
    Name: 'string',
    OverwritePolicy: 'uint16',
    RequestedState: 'uint16',
  },
  initial: () => [
    {
      CurrentNumberOfRecords: 1,
      ElementName: 'Intel(r) AMT Provisioning Record Log',
      EnabledState: 2,
      HealthState: 0,
      InstanceID: 'Intel(r) AMT: RecordLog 1',
      LogState: 4,
      MaxNumberOfRecords: 1,
      Name: 'Intel(r) AMT Provisioning Record Log',
      OverwritePolicy: 2,
      RequestedState: 12,
    },
  ],
};

const RECORD_PROPS = { CreationTimeStamp: 'datetime', ElementName: 'string', InstanceID: 'string key' } as const;

/** The record of the last activation: client (CCM) or admin (ACM, with the certificate it used). */
const PROVISIONING_RECORDS: ClassDef[] = [
  { name: 'IPS_ClientProvisioningRecord', props: { ...RECORD_PROPS, HashAlgorithm: 'uint8', ProvCertificateHash: 'string' }, initial: () => [] },
  {
    name: 'IPS_AdminProvisioningRecord',
    props: { ...RECORD_PROPS, CertificateCN: 'string', EHBCState: 'boolean', HashIsOemDefault: 'boolean', SecureDNS: 'boolean', SelectedHashData: 'string', SelectedHashType: 'uint8' },
    initial: () => [],
  },
];

export const SETUP_SERVICE_CLASSES: readonly ClassDef[] = [SETUP_SERVICE, HOST_BASED_SETUP, PROVISIONING_RECORD_LOG, ...PROVISIONING_RECORDS];
