/**
 * Parent classes AMT answers with the instances of their subclasses: an Enumerate (or Get) of the
 * parent's resource URI returns each item as an element of its actual class, while the header
 * ResourceURI stays the parent's (recorded for CIM_PhysicalPackage → CIM_Card,
 * CIM_ServiceAvailableToElement → CIM_AssociatedPowerManagementService, CIM_SystemPackaging →
 * CIM_ComputerSystemPackage; DMTF DSP0227 polymorphism). The subclass lists follow the class
 * hierarchy of the intel/lms CIM_Framework metadata; names of subclasses this simulator does not
 * (yet) serve simply contribute no instances.
 */
import type { ClassDef } from './types';

function parent(name: string, subclasses: readonly string[]): ClassDef {
  return { name, props: {}, serves: subclasses };
}

export const PARENT_CLASSES: readonly ClassDef[] = [
  parent('CIM_ListenerDestination', ['CIM_ListenerDestinationWSManagement']),
  parent('CIM_NetworkPort', ['CIM_EthernetPort', 'CIM_WiFiPort']),
  parent('CIM_LANEndpoint', ['IPS_LANEndpoint', 'CIM_WiFiEndpoint']),
  parent('CIM_BootSettingData', ['AMT_BootSettingData']),
];
