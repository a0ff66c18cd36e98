/** Redirection (SOL, IDE-R, KVM) enablement and user consent (docs/simulator.md "Settings, network, boot, redirection"). */
import { randomInt } from 'node:crypto';
import type { SimDevice } from '../device';
import { CIM_RETURN } from '../power-states';
import { auditFeatureChange, auditKvmChange } from '../redirection/logs';
import { redirectionServiceOf } from '../redirection/registry';
import { clearPendingBoot } from './boot-parameters';
import { amtService, HOST_SYSTEM, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef, MethodDef } from './types';

/** CIM RequestStateChange: 2–11 are meaningful in the ValueMap; anything else is a bad parameter. */
function cimStateRequest(s: number, accepted: Record<number, () => void>): number {
  const apply = accepted[s];
  if (apply) {
    apply();
    return CIM_RETURN.Completed;
  }
  return s >= 2 && s <= 11 ? CIM_RETURN.NotSupported : CIM_RETURN.InvalidParameter;
}

const REDIRECTION_SERVICE: ClassDef = {
  name: 'AMT_RedirectionService',
  commonNs: true,
  props: { ...SERVICE_PROPS, AccessLog: 'string[]', ListenerEnabled: 'boolean w' },
  initial: () => [
    amtService('AMT_RedirectionService', 'Intel(r) AMT Redirection Service', {
      EnabledState: 32771, // IDE-R and SOL enabled
      ListenerEnabled: true,
    }),
  ],
  methods: {
    RequestStateChange: {
      inputs: { RequestedState: 'uint16 req', TimeoutPeriod: 'datetime' },
      // 32768 both off, 32769 IDE-R only, 32770 SOL only, 32771 both (bit 0 IDE-R, bit 1 SOL).
      run: ({ device, instance }, input) => {
        const s = Number(input.RequestedState);
        if (s >= 32768 && s <= 32771 && instance) {
          auditFeatureChange(device, Number(instance.EnabledState) - 32768, s - 32768);
          instance.EnabledState = s;
          return { returnValue: CIM_RETURN.Completed };
        }
        return { returnValue: cimStateRequest(s, {}) };
      },
    },
    TerminateSession: {
      inputs: { SessionType: 'uint32' },
      // SessionType 0 IDE-R, 1 SOL (intel/lms class header); ends that session if one is open.
      run: ({ device }, input) => {
        const kind = Number(input.SessionType) === 0 ? 'IDER' : Number(input.SessionType) === 1 ? 'SOL' : undefined;
        if (kind) redirectionServiceOf(device)?.terminate(kind);
        return { returnValue: PT_STATUS.Success };
      },
    },
  },
};

const KVM_SAP: ClassDef = {
  name: 'CIM_KVMRedirectionSAP',
  commonNs: true,
  props: { ...SERVICE_PROPS, KVMProtocol: 'uint16', OtherKVMProtocol: 'string' },
  initial: () => [
    {
      CreationClassName: 'CIM_KVMRedirectionSAP',
      ElementName: 'KVM Redirection Service Access Point',
      EnabledState: 6, // enabled, no session (MeshCommander reads 6 as "enabled")
      KVMProtocol: 4, // VNC-RFB
      Name: 'KVM Redirection Service Access Point',
      RequestedState: 2,
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: HOST_SYSTEM,
    },
  ],
  methods: {
    RequestStateChange: {
      inputs: { RequestedState: 'uint16 req', TimeoutPeriod: 'datetime' },
      run: ({ device, instance }, input) => ({
        returnValue: cimStateRequest(Number(input.RequestedState), {
          2: () => {
            if (instance!.EnabledState === 3) auditKvmChange(device, true);
            Object.assign(instance!, { EnabledState: 6, RequestedState: 2 });
          },
          3: () => {
            if (instance!.EnabledState !== 3) auditKvmChange(device, false);
            Object.assign(instance!, { EnabledState: 3, RequestedState: 3 });
          },
        }),
      }),
    },
  },
};

/** Opt-in states (Device Management Toolkit opt-in decoder): 0 not started, 1 requested, 2 displayed, 3 received, 4 in session. */
const OPT_IN = { NotStarted: 0, Displayed: 2, Received: 3 } as const;
/** IPS_OptInService.OptInRequired when consent covers everything (CCM). */
const CONSENT_ALL = 0xffffffff;
/** Opt-in method return values (go-wsman-messages optin decoder): 2 = invalid state. */
const OPT_IN_INVALID_STATE = 2;

function optInInstance(device: SimDevice) {
  return device.singleton('IPS_OptInService');
}

/**
 * A displayed code that was not entered within OptInCodeTimeout lapses, as on a real screen; a
 * consent given lapses after OptInDisplayTimeout unless a redirection session holds it (state 4)
 * — a choice, the SDK giving no figure. A consent that ends takes the pending one-time boot with
 * it when consent is required for everything (Intel AMT SDK "User Consent": "if consent is revoked
 * or expires, pending remote boot options are cleared").
 */
function expireOptIn(device: SimDevice): void {
  const inst = device.instances('IPS_OptInService')[0];
  if (!inst || device.optIn.expiresAt === undefined || device.now() < device.optIn.expiresAt) return;
  const was = inst.OptInState;
  delete device.optIn.code;
  delete device.optIn.expiresAt;
  if (was !== OPT_IN.Displayed && was !== OPT_IN.Received) return;
  inst.OptInState = OPT_IN.NotStarted;
  if (was === OPT_IN.Received) consentEnded(device, inst.OptInRequired);
  device.emit('opt-in', { state: OPT_IN.NotStarted, expired: true });
}

function consentEnded(device: SimDevice, required: unknown): void {
  if (Number(required) === CONSENT_ALL) clearPendingBoot(device);
}

const OPT_IN_METHODS: Record<string, MethodDef> = {
  StartOptIn: {
    run: ({ device }) => {
      const inst = optInInstance(device);
      if (inst.OptInState !== OPT_IN.NotStarted) return { returnValue: OPT_IN_INVALID_STATE };
      device.optIn.code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      device.optIn.expiresAt = device.now() + Number(inst.OptInCodeTimeout) * 1000;
      inst.OptInState = OPT_IN.Displayed;
      device.emit('opt-in', { state: OPT_IN.Displayed, code: device.optIn.code });
      return { returnValue: PT_STATUS.Success };
    },
  },
  SendOptInCode: {
    inputs: { OptInCode: 'uint32 req' },
    run: ({ device }, input) => {
      const inst = optInInstance(device);
      if (inst.OptInState !== OPT_IN.Displayed) return { returnValue: OPT_IN_INVALID_STATE };
      if (String(input.OptInCode).padStart(6, '0') !== device.optIn.code) {
        return { returnValue: PT_STATUS.InvalidCredentials };
      }
      inst.OptInState = OPT_IN.Received;
      device.optIn.expiresAt = device.now() + Number(inst.OptInDisplayTimeout) * 1000;
      device.emit('opt-in', { state: OPT_IN.Received });
      return { returnValue: PT_STATUS.Success };
    },
  },
  CancelOptIn: {
    run: ({ device }) => {
      const inst = optInInstance(device);
      if (inst.OptInState === OPT_IN.NotStarted) return { returnValue: OPT_IN_INVALID_STATE };
      const was = inst.OptInState;
      inst.OptInState = OPT_IN.NotStarted;
      delete device.optIn.code;
      delete device.optIn.expiresAt;
      if (was === OPT_IN.Received || was === 4) consentEnded(device, inst.OptInRequired);
      device.emit('opt-in', { state: OPT_IN.NotStarted });
      return { returnValue: PT_STATUS.Success };
    },
  },
};

const OPT_IN_SERVICE: ClassDef = {
  name: 'IPS_OptInService',
  commonNs: true,
  props: {
    ...SERVICE_PROPS,
    CanModifyOptInPolicy: 'uint8',
    OptInCodeTimeout: 'uint32 w',
    OptInDisplayTimeout: 'uint16 w',
    OptInRequired: 'uint32 w',
    OptInState: 'uint8',
  },
  initial: () => [
    amtService('IPS_OptInService', 'Intel(r) AMT OptIn Service', {
      CanModifyOptInPolicy: 1,
      OptInCodeTimeout: 120,
      OptInDisplayTimeout: 300,
      OptInRequired: 1, // consent needed for KVM
      OptInState: OPT_IN.NotStarted,
    }),
  ],
  methods: OPT_IN_METHODS,
  refresh: expireOptIn,
};

const CIM_REDIRECTION_SERVICE: ClassDef = {
  name: 'CIM_RedirectionService',
  commonNs: true,
  props: {
    ...SERVICE_PROPS,
    MaxCurrentEnabledSAPs: 'uint16',
    RedirectionServiceType: 'uint16[]',
    SharingMode: 'uint16',
  },
  initial: () => [
    amtService('CIM_RedirectionService', 'Intel(r) AMT KVM Redirection Service', {
      ElementName: 'Intel(r) ME KVM Redirection Service',
      EnabledState: 2,
      MaxCurrentEnabledSAPs: 1,
      RedirectionServiceType: [3],
      RequestedState: 12,
      SharingMode: 3,
    }),
  ],
};

export const REDIRECTION_CLASSES: readonly ClassDef[] = [REDIRECTION_SERVICE, KVM_SAP, OPT_IN_SERVICE, CIM_REDIRECTION_SERVICE];
