/**
 * Hardware inventory (docs/simulator.md "Hardware and software inventory"): what MeshCommander's hardware tab reads. Values describe a
 * plausible small desktop; serial numbers and the platform GUID come from the device identity.
 */
import { datetime, epr } from '../values';
import { cimUri, DEVICE_PROPS, HOST_SYSTEM, hostSystemEpr, PHYSICAL_PROPS } from './common';
import type { ClassDef } from './types';

const CHASSIS: ClassDef = {
  name: 'CIM_Chassis',
  commonNs: true,
  props: { ...PHYSICAL_PROPS, ChassisPackageType: 'uint16', ChassisTypes: 'uint16[]', NumberOfPowerCords: 'uint16' },
  initial: (d) => [
    {
      ChassisPackageType: 0,
      CreationClassName: 'CIM_Chassis',
      ElementName: 'Managed System Chassis',
      Manufacturer: 'Simulated Systems Inc.',
      Model: 'SIM-DESK-16',
      OperationalStatus: [0],
      PackageType: 3,
      SerialNumber: `CH${d.identity.serial}`,
      Tag: 'CIM_Chassis',
      Version: 'A01',
    },
  ],
};

const CARD: ClassDef = {
  name: 'CIM_Card',
  commonNs: true,
  props: { ...PHYSICAL_PROPS, HostingBoard: 'boolean', SlotLayout: 'string', RequiresDaughterBoard: 'boolean' },
  initial: (d) => [
    {
      CanBeFRUed: true,
      CreationClassName: 'CIM_Card',
      ElementName: 'Managed System Base Board',
      Manufacturer: 'Simulated Systems Inc.',
      Model: 'SIM-BOARD-Q670',
      OperationalStatus: [0],
      PackageType: 9,
      SerialNumber: `BB${d.identity.serial}`,
      Tag: 'CIM_Card',
      Version: 'B02',
    },
  ],
};

const BIOS: ClassDef = {
  name: 'CIM_BIOSElement',
  commonNs: true,
  props: {
    ElementName: 'string',
    Manufacturer: 'string',
    Name: 'string key',
    OperationalStatus: 'uint16[]',
    PrimaryBIOS: 'boolean',
    ReleaseDate: 'datetime',
    SoftwareElementID: 'string key',
    SoftwareElementState: 'uint16 key',
    TargetOperatingSystem: 'uint16 key',
    Version: 'string key',
  },
  initial: () => [
    {
      ElementName: 'Primary BIOS',
      Manufacturer: 'Simulated Systems Inc.',
      Name: 'Primary BIOS',
      OperationalStatus: [0],
      PrimaryBIOS: true,
      ReleaseDate: datetime('2024-03-18T00:00:00Z'),
      SoftwareElementID: 'SIMQ670.0112.2024.0318.1405',
      SoftwareElementState: 2,
      TargetOperatingSystem: 66,
      Version: 'SIMQ670.0112.2024.0318.1405',
    },
  ],
};

const PROCESSOR: ClassDef = {
  name: 'CIM_Processor',
  commonNs: true,
  props: {
    ...DEVICE_PROPS,
    CPUStatus: 'uint16',
    CurrentClockSpeed: 'uint32',
    ExternalBusClockSpeed: 'uint32',
    Family: 'uint16',
    MaxClockSpeed: 'uint32',
    OtherFamilyDescription: 'string',
    Role: 'string',
    Stepping: 'string',
    UpgradeMethod: 'uint16',
  },
  initial: () => [
    {
      CPUStatus: 1,
      CreationClassName: 'CIM_Processor',
      CurrentClockSpeed: 2500,
      DeviceID: 'CPU 0',
      ElementName: 'Managed System CPU',
      EnabledState: 2,
      ExternalBusClockSpeed: 100,
      Family: 198,
      HealthState: 0,
      MaxClockSpeed: 4900,
      OperationalStatus: [0],
      OtherFamilyDescription: '',
      RequestedState: 12,
      Role: 'Central',
      Stepping: '2',
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: HOST_SYSTEM,
      UpgradeMethod: 1,
    },
  ],
};

const MEMORY_PROPS = {
  ...PHYSICAL_PROPS,
  BankLabel: 'string',
  Capacity: 'uint64',
  ConfiguredMemoryClockSpeed: 'uint32',
  FormFactor: 'uint16',
  IsSpeedInMhz: 'boolean',
  MaxMemorySpeed: 'uint32',
  MemoryType: 'uint16',
  Speed: 'uint32',
} as const;

const PHYSICAL_MEMORY: ClassDef = {
  name: 'CIM_PhysicalMemory',
  commonNs: true,
  props: MEMORY_PROPS,
  initial: (d) =>
    [0, 2].map((bank, i) => ({
      BankLabel: `BANK ${bank}`,
      Capacity: 17179869184,
      ConfiguredMemoryClockSpeed: 3200,
      CreationClassName: 'CIM_PhysicalMemory',
      ElementName: 'Managed System Memory Chip',
      FormFactor: 13,
      IsSpeedInMhz: true,
      Manufacturer: 'SimRAM',
      MaxMemorySpeed: 3200,
      MemoryType: 26,
      PartNumber: 'SR16G4S32',
      SerialNumber: `M${i}${d.identity.serial.slice(0, 7)}`,
      Speed: 0,
      Tag: i === 0 ? '9876543210' : `9876543210 (#${i})`,
    })),
};

const CHIP: ClassDef = {
  name: 'CIM_Chip',
  commonNs: true,
  props: { ...PHYSICAL_PROPS, FormFactor: 'uint16' },
  initial: () => [
    {
      CanBeFRUed: true,
      CreationClassName: 'CIM_Chip',
      ElementName: 'Managed System Processor Chip',
      Manufacturer: 'Intel(R) Corporation',
      OperationalStatus: [0],
      Tag: 'CPU 0',
      Version: 'Simulated(R) Core(TM) i5 CPU @ 2.50GHz',
    },
  ],
};

const MEDIA_ACCESS: ClassDef = {
  name: 'CIM_MediaAccessDevice',
  commonNs: true,
  props: { ...DEVICE_PROPS, Capabilities: 'uint16[]', MaxMediaSize: 'uint64', Security: 'uint16' },
  initial: () =>
    [1000204886, 512110190].map((size, i) => ({
      Capabilities: [4],
      CreationClassName: 'CIM_MediaAccessDevice',
      DeviceID: `MEDIA DEV ${i}`,
      ElementName: 'Managed System Media Access Device',
      EnabledDefault: 2,
      EnabledState: 0,
      MaxMediaSize: size,
      OperationalStatus: [0],
      RequestedState: 12,
      Security: 2,
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: HOST_SYSTEM,
    })),
};

const COMPUTER_SYSTEM_PACKAGE: ClassDef = {
  name: 'CIM_ComputerSystemPackage',
  props: { Antecedent: 'epr key', Dependent: 'epr key', PlatformGUID: 'string' },
  initial: (d) => [
    {
      Antecedent: epr(cimUri('CIM_Chassis'), { CreationClassName: 'CIM_Chassis', Tag: 'CIM_Chassis' }),
      Dependent: hostSystemEpr(),
      PlatformGUID: d.identity.uuidBytes.toString('hex').toUpperCase(),
    },
  ],
};

/** Recorded AMT answers an Enumerate of these parents with the subclass instances named here. */
const PHYSICAL_PACKAGE: ClassDef = { name: 'CIM_PhysicalPackage', commonNs: true, props: {}, serves: ['CIM_Card'] };
const SYSTEM_PACKAGING: ClassDef = { name: 'CIM_SystemPackaging', props: {}, serves: ['CIM_ComputerSystemPackage'] };

const SENSOR: ClassDef = {
  name: 'CIM_Sensor',
  commonNs: true,
  props: { ...DEVICE_PROPS, CurrentState: 'string', PossibleStates: 'string[]', SensorType: 'uint16' },
  initial: () => [
    {
      CreationClassName: 'CIM_Sensor',
      CurrentState: 'Good',
      DeviceID: 'Sensor 1',
      ElementName: 'Sensor',
      EnabledState: 5,
      HealthState: 5,
      OperationalStatus: [2],
      PossibleStates: ['Bad', 'Good', 'Unknown'],
      RequestedState: 12,
      SensorType: 0,
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: HOST_SYSTEM,
    },
  ],
};

const FAN: ClassDef = {
  name: 'CIM_Fan',
  commonNs: true,
  props: { ...DEVICE_PROPS, ActiveCooling: 'boolean', DesiredSpeed: 'uint64', VariableSpeed: 'boolean' },
  initial: () => [
    {
      ActiveCooling: true,
      CreationClassName: 'CIM_Fan',
      DesiredSpeed: 0,
      DeviceID: 'Fan 0',
      ElementName: 'Fan',
      EnabledState: 5,
      HealthState: 5,
      OperationalStatus: [2],
      RequestedState: 12,
      SystemCreationClassName: 'CIM_ComputerSystem',
      SystemName: HOST_SYSTEM,
      VariableSpeed: false,
    },
  ],
};

export const HARDWARE_CLASSES: readonly ClassDef[] = [
  CHASSIS, CARD, BIOS, PROCESSOR, PHYSICAL_MEMORY, CHIP, MEDIA_ACCESS,
  COMPUTER_SYSTEM_PACKAGE, PHYSICAL_PACKAGE, SYSTEM_PACKAGING, SENSOR, FAN,
];
