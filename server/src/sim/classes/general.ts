/** General settings, the two computer systems, and AMT's clock. */
import { AMT_SYSTEM, amtService, HOST_SYSTEM, PT_STATUS, SERVICE_PROPS } from './common';
import type { ClassDef } from './types';

const GENERAL_SETTINGS: ClassDef = {
  name: 'AMT_GeneralSettings',
  props: {
    AMTNetworkEnabled: 'uint32 w',
    DDNSPeriodicUpdateInterval: 'uint32 w',
    DDNSTTL: 'uint32 w',
    DDNSUpdateByDHCPServerEnabled: 'boolean w',
    DDNSUpdateEnabled: 'boolean w',
    DHCPSyncRequiresHostname: 'uint32 w',
    DHCPv6ConfigurationTimeout: 'uint16 w',
    DigestRealm: 'string',
    DomainName: 'string w',
    ElementName: 'string',
    HostName: 'string w',
    HostOSFQDN: 'string w',
    IdleWakeTimeout: 'uint32 w',
    InstanceID: 'string key',
    NetworkInterfaceEnabled: 'boolean',
    OemID: 'uint16',
    // Required in a Put body (Intel LMS CIM framework metadata; docs/simulator.md "Settings").
    PingResponseEnabled: 'boolean w put',
    PowerSource: 'uint32',
    PreferredAddressFamily: 'uint32 w',
    PresenceNotificationInterval: 'uint32 w',
    PrivacyLevel: 'uint32 w',
    RmcpPingResponseEnabled: 'boolean w',
    SharedFQDN: 'boolean w',
    ThunderboltDockEnabled: 'uint32 w',
    WsmanOnlyMode: 'boolean w put',
  },
  initial: (d) => [
    {
      AMTNetworkEnabled: 1,
      DDNSPeriodicUpdateInterval: 1440,
      DDNSTTL: 900,
      DDNSUpdateByDHCPServerEnabled: true,
      DDNSUpdateEnabled: false,
      DHCPSyncRequiresHostname: 1,
      DHCPv6ConfigurationTimeout: 0,
      DigestRealm: d.identity.realm,
      DomainName: d.identity.domainName,
      ElementName: 'Intel(r) AMT: General Settings',
      HostName: d.identity.hostName,
      HostOSFQDN: `${d.identity.hostName}.${d.identity.domainName}`,
      IdleWakeTimeout: 65535,
      InstanceID: 'Intel(r) AMT: General Settings',
      NetworkInterfaceEnabled: true,
      PingResponseEnabled: true,
      PowerSource: 0,
      PreferredAddressFamily: 0,
      PresenceNotificationInterval: 0,
      PrivacyLevel: 0,
      RmcpPingResponseEnabled: true,
      SharedFQDN: true,
      ThunderboltDockEnabled: 0,
      WsmanOnlyMode: false,
    },
  ],
};

/** Not in the recorded fixtures; properties follow CIM_ComputerSystem as AMT's SDK describes it. */
const COMPUTER_SYSTEM: ClassDef = {
  name: 'CIM_ComputerSystem',
  commonNs: true,
  props: {
    CreationClassName: 'string key',
    Name: 'string key',
    Dedicated: 'uint16[]',
    ElementName: 'string',
    EnabledState: 'uint16',
    HealthState: 'uint16',
    NameFormat: 'string',
    OperationalStatus: 'uint16[]',
    OtherIdentifyingInfo: 'string[]',
    IdentifyingDescriptions: 'string[]',
    RequestedState: 'uint16',
    ResetCapability: 'uint16',
    PowerManagementCapabilities: 'uint16[]',
  },
  initial: (d) => [
    {
      CreationClassName: 'CIM_ComputerSystem',
      Dedicated: [0],
      ElementName: 'Managed System',
      EnabledState: 2,
      HealthState: 5,
      IdentifyingDescriptions: ['CIM:GUID'],
      Name: HOST_SYSTEM,
      NameFormat: 'Other',
      OperationalStatus: [0],
      OtherIdentifyingInfo: [d.identity.uuidBytes.toString('hex').toUpperCase()],
      RequestedState: 12,
      ResetCapability: 4,
    },
    {
      CreationClassName: 'CIM_ComputerSystem',
      Dedicated: [14],
      ElementName: 'Intel(r) AMT Subsystem',
      EnabledState: 2,
      HealthState: 5,
      Name: AMT_SYSTEM,
      NameFormat: 'Other',
      OperationalStatus: [0],
      RequestedState: 12,
    },
  ],
};

const TIME_SYNC: ClassDef = {
  name: 'AMT_TimeSynchronizationService',
  commonNs: true,
  props: { ...SERVICE_PROPS, LocalTimeSyncEnabled: 'uint32', TimeSource: 'uint32' },
  initial: () => [
    amtService('AMT_TimeSynchronizationService', 'Intel(r) AMT Time Synchronization Service', {
      EnabledState: 5,
      LocalTimeSyncEnabled: 0,
      RequestedState: 12,
      TimeSource: 0,
    }),
  ],
  methods: {
    GetLowAccuracyTimeSynch: {
      run: ({ device }) => ({ returnValue: PT_STATUS.Success, outputs: [['Ta0', device.rtcSeconds()]] }),
    },
    SetHighAccuracyTimeSynch: {
      inputs: { Ta0: 'uint32 req', Tm1: 'uint32 req', Tm2: 'uint32 req' },
      // Tm1/Tm2 are the console's receive/send times; AMT's clock becomes Tm2 (the message was just sent).
      run: ({ device }, input) => {
        const tm1 = Number(input.Tm1);
        const tm2 = Number(input.Tm2);
        if (tm2 < tm1) return { returnValue: PT_STATUS.InvalidParameter };
        device.rtcOffsetMs = tm2 * 1000 - device.now();
        return { returnValue: PT_STATUS.Success };
      },
    },
  },
};

export const GENERAL_CLASSES: readonly ClassDef[] = [GENERAL_SETTINGS, COMPUTER_SYSTEM, TIME_SYNC];
