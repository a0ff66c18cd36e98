/**
 * Platform classes consoles read beside the inventory (hardware.ts): the battery (laptops only),
 * BIOS features, the AMT-side wired Ethernet port and LAN endpoint, power schemes, the host boot
 * reason (kept current by host/host.ts), screen and KVM settings, Secure IO, the host's IP and the
 * IPv6 settings. Property sets and values are those of the recorded device
 * (test/fixtures/real-amt: cim/battery, cim/bios/feature, cim/ethernetport, amt/systempowerscheme,
 * cim/concrete/dependency, ips/*), with this device's MAC address where the recording had one;
 * hand-edited values of the recording (ElementName "test") are replaced by plausible ones.
 */
import { epr } from '../values';
import { AMT_SYSTEM, cimUri, DEVICE_PROPS, HOST_SYSTEM, SERVICE_PROPS } from './common';
import type { ClassDef } from './types';

const plainMac = (mac: string) => mac.replace(/[-:]/g, '').toLowerCase();

/** CIM_Battery (DMTF CIM_Battery; MeshCommander's hardware page reads Chemistry, DesignCapacity, DesignVoltage). */
const BATTERY: ClassDef = {
  name: 'CIM_Battery',
  commonNs: true,
  props: {
    ...DEVICE_PROPS,
    BatteryStatus: 'uint16',
    ChargingStatus: 'uint16',
    Chemistry: 'uint16',
    DesignCapacity: 'uint32',
    DesignVoltage: 'uint64',
    EstimatedChargeRemaining: 'uint16',
    FullChargeCapacity: 'uint32',
    ManufactureDate: 'datetime',
  },
  initial: (d) =>
    d.model.hasBattery
      ? [
          {
            BatteryStatus: 2, // Unknown (AMT reports what the BIOS left in SMBIOS)
            ChargingStatus: 0,
            Chemistry: 6, // Lithium-ion (DMTF ValueMap)
            CreationClassName: 'CIM_Battery',
            DesignCapacity: 5601,
            DesignVoltage: 11550,
            DeviceID: `BT${d.identity.serial.slice(0, 7)}`,
            ElementName: '',
            EnabledState: 2,
            EstimatedChargeRemaining: 0,
            FullChargeCapacity: 0,
            HealthState: 0,
            RequestedState: 2,
            SystemCreationClassName: 'CIM_ComputerSystem',
            SystemName: HOST_SYSTEM,
          },
        ]
      : [],
};

const BIOS_FEATURE: ClassDef = {
  name: 'CIM_BIOSFeature',
  commonNs: true,
  props: {
    Characteristics: 'uint16[]',
    ElementName: 'string',
    IdentifyingNumber: 'string key',
    Name: 'string key',
    OperationalStatus: 'uint16[]',
    ProductName: 'string key',
    Vendor: 'string key',
    Version: 'string key',
  },
  initial: () => [
    {
      Characteristics: [7, 11, 12, 27, 28, 29, 31],
      ElementName: 'Primary BIOS Features',
      IdentifyingNumber: 'SIMQ670.0112',
      Name: 'Primary BIOS Features',
      OperationalStatus: [0],
      ProductName: 'SIM-DESK-16',
      Vendor: 'Simulated Systems Inc.',
      Version: 'SIMQ670.0112',
    },
  ],
};

/** The AMT-side wired port (CIM_EthernetPort; SystemName `Intel(r) AMT`). */
const ETHERNET_PORT: ClassDef = {
  name: 'CIM_EthernetPort',
  commonNs: true,
  props: {
    ...DEVICE_PROPS,
    Description: 'string',
    LinkTechnology: 'uint16',
    MaxSpeed: 'uint64',
    NetworkAddresses: 'string[]',
    PermanentAddress: 'string',
    PortType: 'uint16',
    Speed: 'uint64',
  },
  initial: (d) => [
    {
      CreationClassName: 'CIM_EthernetPort',
      Description: 'Wired0',
      DeviceID: 'Intel(r) AMT Ethernet Port 0',
      ElementName: 'Intel(r) AMT Ethernet Port',
      EnabledDefault: 5,
      EnabledState: 2,
      LinkTechnology: 2, // Ethernet
      MaxSpeed: 2_500_000_000,
      NetworkAddresses: [plainMac(d.identity.wiredMac)],
      OperationalStatus: [0],
      PortType: 53, // 1000BaseT
      RequestedState: 12,
      Speed: 1_000_000_000,
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: AMT_SYSTEM,
    },
  ],
};

/** IPS_LANEndpoint: the wired LAN endpoint of the AMT subsystem. */
const LAN_ENDPOINT: ClassDef = {
  name: 'IPS_LANEndpoint',
  commonNs: true,
  props: {
    CreationClassName: 'string key',
    EnabledState: 'uint16',
    ElementName: 'string',
    LANType: 'uint16',
    MACAddress: 'string',
    Name: 'string key',
    ProtocolType: 'uint16',
    RequestedState: 'uint16',
    SystemCreationClassName: 'string key',
    SystemName: 'string key',
  },
  initial: (d) => [
    {
      CreationClassName: 'IPS_LANEndpoint',
      EnabledState: 2,
      LANType: 2,
      MACAddress: plainMac(d.identity.wiredMac),
      Name: 'Intel(r) AMT LAN Endpoint',
      ProtocolType: 0,
      RequestedState: 12,
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: AMT_SYSTEM,
    },
  ],
};

/** AMT_SystemPowerScheme: the two schemes the recorded mobile platform offered. */
const POWER_SCHEME: ClassDef = {
  name: 'AMT_SystemPowerScheme',
  props: { Description: 'string', ElementName: 'string', InstanceID: 'string key', SchemeGUID: 'base64' },
  initial: (d) => {
    const mobile = d.model.hasBattery ? 'Mobile' : 'Desktop';
    return [
      { Description: `${mobile}: ON in S0`, ElementName: 'Intel(r) AMT Power Scheme', InstanceID: 'SCHEME 0', SchemeGUID: 'djmXEQtWUEOIcJgS85G1YA==' },
      {
        Description: `${mobile}: ON in S0, ME Wake in S3, S4-5${d.model.hasBattery ? ' (AC only)' : ''}`,
        ElementName: 'Intel(r) AMT Power Scheme',
        InstanceID: 'SCHEME 1',
        SchemeGUID: 'MIAN7gnAeEOvKHhootu+Og==',
      },
    ];
  },
};

/** CIM_ConcreteDependency: the local OS admin identity ($$OsAdmin) depends on its role, as recorded. */
const CONCRETE_DEPENDENCY: ClassDef = {
  name: 'CIM_ConcreteDependency',
  props: { Antecedent: 'epr key', Dependent: 'epr key' },
  initial: () => [
    {
      Antecedent: epr(cimUri('CIM_Identity'), { InstanceID: 'Intel(r) AMT:$$OsAdmin' }),
      Dependent: epr(cimUri('CIM_Role'), { CreationClassName: 'CIM_Role', Name: 'Intel(r) AMT:$$OsAdmin' }),
    },
  ],
};

/** IPS_HostBootReason (SDK "Get the Reason for the Last Boot"): Reason 1 Other until AMT boots the host. */
const HOST_BOOT_REASON: ClassDef = {
  name: 'IPS_HostBootReason',
  props: { ElementName: 'string', InstanceID: 'string key', PreviousSxState: 'uint16', Reason: 'uint16', ReasonDetails: 'string' },
  initial: () => [
    { ElementName: 'Intel(r) AMT:Host Boot Reason', InstanceID: 'Intel(r) AMT:Host Boot Reason', PreviousSxState: 0, Reason: 1, ReasonDetails: '' },
  ],
};

const SCREEN_SETTING: ClassDef = {
  name: 'IPS_ScreenSettingData',
  props: {
    ElementName: 'string',
    InstanceID: 'string key',
    IsActive: 'boolean[]',
    PrimaryIndex: 'uint8',
    QuadraryIndex: 'uint8',
    ResolutionX: 'uint32[]',
    ResolutionY: 'uint32[]',
    SecondaryIndex: 'uint8',
    TertiaryIndex: 'uint8',
    UpperLeftX: 'sint32[]',
    UpperLeftY: 'sint32[]',
  },
  initial: () => [
    {
      ElementName: 'Intel(r) Screen Settings',
      InstanceID: 'Intel(r) Screen Settings',
      IsActive: [true, true, false, false],
      PrimaryIndex: 1,
      QuadraryIndex: 4,
      ResolutionX: [1920, 1920, 0, 0],
      ResolutionY: [1080, 1080, 0, 0],
      SecondaryIndex: 2,
      TertiaryIndex: 3,
      UpperLeftX: [0, 1920, -1, -1],
      UpperLeftY: [0, 0, -1, -1],
    },
  ],
};

/** IPS_KVMRedirectionSettingData (Put); RFBPassword is write-only and reads back empty (SDK class page). */
const KVM_SETTINGS: ClassDef = {
  name: 'IPS_KVMRedirectionSettingData',
  props: {
    BackToBackFbMode: 'boolean',
    DefaultScreen: 'uint8 w',
    DoubleBufferActive: 'boolean',
    DoubleBufferEnabled: 'boolean w',
    ElementName: 'string',
    EnabledByMEBx: 'boolean',
    GrayscalePixelFormatSupported: 'boolean',
    InitialDecimationModeForLowRes: 'uint8 w',
    InstanceID: 'string key',
    Is5900PortEnabled: 'boolean w',
    OptInPolicy: 'boolean w',
    OptInPolicyTimeout: 'uint16 w',
    RFBPassword: 'string w',
    SessionTimeout: 'uint16 w',
    ZlibControlSupported: 'boolean',
  },
  initial: () => [
    {
      BackToBackFbMode: false,
      DefaultScreen: 0,
      ElementName: 'Intel(r) KVM Redirection Settings',
      EnabledByMEBx: true,
      InstanceID: 'Intel(r) KVM Redirection Settings',
      Is5900PortEnabled: false,
      OptInPolicy: true,
      OptInPolicyTimeout: 300,
      RFBPassword: '',
      SessionTimeout: 3,
    },
  ],
};

const SEC_IO: ClassDef = {
  name: 'IPS_SecIOService',
  commonNs: true,
  props: {
    CreationClassName: SERVICE_PROPS.CreationClassName,
    DefaultScreen: 'uint8',
    EnabledState: 'uint16',
    Name: 'string key',
    RequestedLanguage: 'uint16',
    Started: 'boolean',
    Status: 'string',
    SystemCreationClassName: 'string key',
    SystemName: 'string key',
    language: 'uint16',
    zoom: 'uint16',
  },
  initial: () => [
    {
      CreationClassName: 'IPS_SecIOService',
      DefaultScreen: 1,
      EnabledState: 2,
      Name: 'SecIO',
      RequestedLanguage: 2,
      Started: true,
      Status: 'OK',
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: HOST_SYSTEM,
      language: 1,
      zoom: 65535,
    },
  ],
};

const HOST_IP: ClassDef = {
  name: 'IPS_HostIPSettings',
  props: {
    DHCPEnabled: 'boolean',
    ElementName: 'string',
    InstanceID: 'string key',
    IPAddress: 'string',
    SubnetMask: 'string',
    DefaultGateway: 'string',
    PrimaryDNS: 'string',
    SecondaryDNS: 'string',
  },
  initial: () => [{ DHCPEnabled: false, ElementName: 'Intel(r) AMT: Host IP Settings', InstanceID: 'Intel(r) AMT: Host IP Settings' }],
};

const IPV6: ClassDef = {
  name: 'IPS_IPv6PortSettings',
  props: {
    CurrentDefaultRouter: 'string',
    CurrentPrimaryDNS: 'string',
    CurrentSecondaryDNS: 'string',
    DefaultRouter: 'string w',
    ElementName: 'string',
    IPv6Address: 'string w',
    InstanceID: 'string key',
    InterfaceIDType: 'uint32 w',
    ManualInterfaceID: 'string w',
    PrimaryDNS: 'string w',
    SecondaryDNS: 'string w',
  },
  initial: () => [
    {
      CurrentDefaultRouter: '::',
      CurrentPrimaryDNS: '::',
      CurrentSecondaryDNS: '::',
      DefaultRouter: '::',
      ElementName: 'Intel(r) IPS IPv6 Settings 0',
      IPv6Address: '::',
      InstanceID: 'Intel(r) IPS IPv6 Settings 0',
      InterfaceIDType: 0,
      ManualInterfaceID: '0000000000000000',
      PrimaryDNS: '::',
      SecondaryDNS: '::',
    },
  ],
};

export const PLATFORM_CLASSES: readonly ClassDef[] = [
  BATTERY, BIOS_FEATURE, ETHERNET_PORT, LAN_ENDPOINT, POWER_SCHEME, CONCRETE_DEPENDENCY, HOST_BOOT_REASON,
  SCREEN_SETTING, KVM_SETTINGS, SEC_IO, HOST_IP, IPV6,
];
