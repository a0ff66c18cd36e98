/**
 * Property specs and builders shared by the class families: the key set every CIM_Service has,
 * the two CIM_ComputerSystem instances everything hangs off, and the method return codes.
 */
import { resourceUriFor } from '../../wsman/namespaces';
import { epr, type EprValue, type PropMap } from '../values';

export const AMT_SYSTEM = 'Intel(r) AMT';
export const HOST_SYSTEM = 'ManagedSystem';

/** Properties of CIM_Service / CIM_EnabledLogicalElement as AMT populates them. */
export const SERVICE_PROPS = {
  CreationClassName: 'string key',
  Name: 'string key',
  SystemCreationClassName: 'string key',
  SystemName: 'string key',
  ElementName: 'string',
  EnabledState: 'uint16',
  RequestedState: 'uint16',
  EnabledDefault: 'uint16',
  OperationalStatus: 'uint16[]',
  HealthState: 'uint16',
} as const;

/** Properties of CIM_LogicalDevice (processors, fans, sensors, media devices). */
export const DEVICE_PROPS = {
  CreationClassName: 'string key',
  DeviceID: 'string key',
  SystemCreationClassName: 'string key',
  SystemName: 'string key',
  ElementName: 'string',
  EnabledState: 'uint16',
  RequestedState: 'uint16',
  EnabledDefault: 'uint16',
  OperationalStatus: 'uint16[]',
  HealthState: 'uint16',
} as const;

/** Properties of CIM_PhysicalElement (chassis, cards, chips, memory). */
export const PHYSICAL_PROPS = {
  CreationClassName: 'string key',
  Tag: 'string key',
  ElementName: 'string',
  Manufacturer: 'string',
  Model: 'string',
  SerialNumber: 'string',
  PartNumber: 'string',
  Version: 'string',
  CanBeFRUed: 'boolean',
  OperationalStatus: 'uint16[]',
  PackageType: 'uint16',
} as const;

/** The key values of a service that lives on the AMT subsystem. */
export function amtService(className: string, name: string, extra: PropMap = {}): PropMap {
  return {
    CreationClassName: className,
    ElementName: name,
    Name: name,
    SystemCreationClassName: 'CIM_ComputerSystem',
    SystemName: AMT_SYSTEM,
    ...extra,
  };
}

export function cimUri(className: string): string {
  return resourceUriFor(className);
}

/** EPR of the host computer system (the `ManagedSystem` CIM_ComputerSystem). */
export function hostSystemEpr(): EprValue {
  return epr(cimUri('CIM_ComputerSystem'), { CreationClassName: 'CIM_ComputerSystem', Name: HOST_SYSTEM });
}

/** EPR of an AMT-side service by class and name. */
export function amtServiceEpr(className: string, name: string): EprValue {
  return epr(cimUri(className), {
    CreationClassName: className,
    Name: name,
    SystemCreationClassName: 'CIM_ComputerSystem',
    SystemName: AMT_SYSTEM,
  });
}

/** AMT (PT_STATUS) method return codes used here (docs/simulator.md "Return codes"). */
export const PT_STATUS = {
  Success: 0,
  InternalError: 1,
  InvalidParameter: 36,
  InvalidCredentials: 2069,
} as const;
