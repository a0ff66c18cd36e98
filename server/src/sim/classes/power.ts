/**
 * Power control (DMTF DSP1027 Power State Management; docs/simulator.md "Power"). The host's power state lives in the one
 * CIM_AssociatedPowerManagementService instance; SimDevice.requestPowerStateChange keeps it current.
 */
import { CIM_RETURN, POWER } from '../power-states';
import { redirectionServiceOf } from '../redirection/registry';
import { amtService, amtServiceEpr, hostSystemEpr, SERVICE_PROPS } from './common';
import type { ClassDef } from './types';

const PM_SERVICE_NAME = 'Intel(r) AMT Power Management Service';

const POWER_INPUTS = {
  PowerState: 'uint16 req',
  ManagedElement: 'epr',
  Time: 'datetime',
  TimeoutPeriod: 'datetime',
} as const;

/**
 * "If there is an active redirection session (SOL, IDE-R or KVM), then a power cycle or a power
 * off command will be rejected as invalid" (Intel AMT SDK, Change System Power State); the code,
 * 4097 Invalid State Transition, is inferred from "invalid".
 */
const OFF_OR_CYCLE = new Set<number>([POWER.PowerCycleOffSoft, POWER.OffHard, POWER.OffSoft, POWER.PowerCycleOffHard, POWER.OffSoftGraceful]);

const POWER_MANAGEMENT_SERVICE: ClassDef = {
  name: 'CIM_PowerManagementService',
  commonNs: true,
  props: { ...SERVICE_PROPS },
  initial: () => [
    amtService('CIM_PowerManagementService', PM_SERVICE_NAME, { EnabledState: 5, RequestedState: 12 }),
  ],
  methods: {
    RequestPowerStateChange: {
      inputs: POWER_INPUTS,
      run: ({ device }, input) => {
        const requested = Number(input.PowerState);
        if (OFF_OR_CYCLE.has(requested) && (redirectionServiceOf(device)?.openKinds.length ?? 0) > 0) {
          return { returnValue: CIM_RETURN.InvalidStateTransition };
        }
        return { returnValue: device.requestPowerStateChange(requested) };
      },
    },
  },
};

const ASSOCIATED_POWER: ClassDef = {
  name: 'CIM_AssociatedPowerManagementService',
  commonNs: true,
  props: {
    AvailableRequestedPowerStates: 'uint16[]',
    OtherPowerState: 'string',
    OtherRequestedPowerState: 'string',
    PowerOnTime: 'datetime',
    PowerState: 'uint16',
    RequestedPowerState: 'uint16',
    ServiceProvided: 'epr key',
    TransitioningToPowerState: 'uint16',
    UserOfService: 'epr key',
  },
  // PowerState and AvailableRequestedPowerStates are set by SimDevice when it starts.
  initial: () => [
    {
      ServiceProvided: amtServiceEpr('CIM_PowerManagementService', PM_SERVICE_NAME),
      UserOfService: hostSystemEpr(),
    },
  ],
};

/** Real AMT answers an Enumerate of the parent association with CIM_AssociatedPowerManagementService items. */
const SERVICE_AVAILABLE_TO_ELEMENT: ClassDef = {
  name: 'CIM_ServiceAvailableToElement',
  commonNs: true,
  props: {},
  serves: ['CIM_AssociatedPowerManagementService'],
};

const POWER_CAPABILITIES: ClassDef = {
  name: 'CIM_PowerManagementCapabilities',
  props: {
    ElementName: 'string',
    InstanceID: 'string key',
    OtherPowerChangeCapabilities: 'string',
    PowerCapabilities: 'uint16[]',
    PowerChangeCapabilities: 'uint16[]',
    PowerStatesSupported: 'uint16[]',
    RequestedPowerStatesSupported: 'uint16[]',
  },
  initial: () => [
    {
      ElementName: 'Power Management Capabilities',
      InstanceID: 'Intel(r) AMT:PowerManagementCapabilities 0',
      OtherPowerChangeCapabilities: '',
      PowerChangeCapabilities: [2, 3, 4, 7, 8],
      PowerStatesSupported: [5, 8, 2, 10, 11, 12, 14],
      RequestedPowerStatesSupported: [5, 8, 2, 10, 11, 12, 14],
    },
  ],
};

const IPS_POWER: ClassDef = {
  name: 'IPS_PowerManagementService',
  commonNs: true,
  props: { ...SERVICE_PROPS, OSPowerSavingState: 'uint16' },
  // The one recorded exception to alphabetical order: the subclass property comes last (recorded in test/fixtures/real-amt).
  order: [
    'CreationClassName', 'ElementName', 'EnabledState', 'Name', 'RequestedState',
    'SystemCreationClassName', 'SystemName', 'OSPowerSavingState',
  ],
  initial: () => [
    amtService('IPS_PowerManagementService', PM_SERVICE_NAME, {
      EnabledState: 5,
      RequestedState: 12,
      OSPowerSavingState: 2,
    }),
  ],
  methods: {
    RequestOSPowerSavingStateChange: {
      inputs: { OSPowerSavingState: 'uint16 req', ManagedElement: 'epr', Time: 'datetime', TimeoutPeriod: 'datetime' },
      // 2 = full power, 3 = OS power saving; only a running host has an OS to ask.
      run: ({ device, instance }, input) => {
        const s = Number(input.OSPowerSavingState);
        if (s !== 2 && s !== 3) return { returnValue: CIM_RETURN.InvalidParameter };
        if (device.powerState !== POWER.On || !instance) return { returnValue: CIM_RETURN.InvalidStateTransition };
        instance.OSPowerSavingState = s;
        return { returnValue: CIM_RETURN.Completed };
      },
    },
  },
};

export const POWER_CLASSES: readonly ClassDef[] = [
  POWER_MANAGEMENT_SERVICE, ASSOCIATED_POWER, SERVICE_AVAILABLE_TO_ELEMENT, POWER_CAPABILITIES, IPS_POWER,
];
