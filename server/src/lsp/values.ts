/**
 * Checks a written value against a CIM type and value map, and lists the values completion can
 * offer (value-map entries, booleans, and the selector values AMT is known to use, from
 * spec/wsman-amt.md §4 "Common key/selector values AMT uses").
 */
import { compileValueMap, type ValueMap } from '../catalog/value-map';
import type { CimType } from '../catalog/catalog';
import { INTEGER_RANGES } from '../catalog/integer-ranges';


// xs:dateTime / xs:date / xs:time, xs:duration, and the CIM DMTF form yyyymmddhhmmss.mmmmmmsutc.
const XS_DATETIME = /^-?\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
const XS_TIME = /^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const XS_DURATION = /^-?P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?!$)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const CIM_DATETIME = /^\d{14}\.\d{6}[+-]\d{3}$|^\d{8}\d{6}\.\d{6}:000$/;

/** Why a value does not fit the type, or undefined when it fits. */
export function checkType(type: CimType, value: string): string | undefined {
  const v = value.trim();
  const range = INTEGER_RANGES[type];
  if (range) {
    const pattern = type.startsWith('u') ? /^\+?\d+$/ : /^[+-]?\d+$/;
    if (!pattern.test(v)) return `"${v}" is not a ${type} (${type.startsWith('u') ? 'a whole number ≥ 0' : 'a whole number'}).`;
    const n = BigInt(v.replace(/^\+/, ''));
    if (n < range[0] || n > range[1]) return `${v} is out of range for ${type} (${range[0]}…${range[1]}).`;
    return undefined;
  }
  switch (type) {
    case 'boolean':
      return /^(true|false|1|0)$/.test(v) ? undefined : `"${v}" is not a boolean; write true or false.`;
    case 'real32':
      return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^(INF|-INF|NaN)$/.test(v) ? undefined : `"${v}" is not a number.`;
    case 'datetime':
      return XS_DATETIME.test(v) || XS_TIME.test(v) || XS_DURATION.test(v) || CIM_DATETIME.test(v)
        ? undefined
        : `"${v}" is not a date/time (e.g. 2024-01-03T00:44:35Z) or an interval (e.g. P1DT2H0M0S).`;
    case 'base64':
      return /^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(v) ? undefined : `"${v}" is not base64.`;
    case 'hexBinary':
      return /^([0-9A-Fa-f]{2})*$/.test(v) ? undefined : `"${v}" is not hexBinary (pairs of hex digits).`;
    default:
      return undefined;
  }
}

/** The label of a value in a value map, or undefined when the map does not allow it. */
export function valueMapLabel(map: ValueMap, value: string): string | undefined {
  return compileValueMap(map).label(value.trim());
}

/** Value-map entries that are single values (ranges such as `32768..65535` are not offered). */
export function enumerableEntries(map: ValueMap): { value: string; label: string }[] {
  return Object.entries(map)
    .filter(([k]) => !k.includes('..'))
    .map(([value, label]) => ({ value, label }));
}

/** A short text of the allowed values, for diagnostics: `2 (Power On), 8 (Power Off - Soft), …`. */
export function describeValueMap(map: ValueMap, max = 8): string {
  const entries = Object.entries(map).filter(([k]) => k !== '..');
  const shown = entries.slice(0, max).map(([k, l]) => `${k} (${l})`).join(', ');
  return entries.length > max ? `${shown}, …` : shown;
}

/** Selector values AMT is known to use (spec/wsman-amt.md §4), by key name. */
export function typicalSelectorValues(key: string, className: string): { value: string; doc: string }[] {
  switch (key) {
    case 'CreationClassName':
      return [{ value: className, doc: 'the class itself' }];
    case 'SystemCreationClassName':
      return [{ value: 'CIM_ComputerSystem', doc: 'every AMT service and host device' }];
    case 'SystemName':
      return [
        { value: 'Intel(r) AMT', doc: 'AMT-side services' },
        { value: 'ManagedSystem', doc: 'host-side devices (processor, fan, sensor, KVM SAP, alarm clock)' },
      ];
    case 'Name':
      return SERVICE_NAMES.map((value) => ({ value, doc: 'service name seen on AMT' }));
    case 'InstanceID':
      return INSTANCE_IDS.map((value) => ({ value, doc: 'InstanceID seen on AMT' }));
    default:
      return [];
  }
}

const SERVICE_NAMES = [
  'Intel(r) AMT Power Management Service',
  'Intel(r) AMT Boot Service',
  'Intel(r) AMT Redirection Service',
  'Intel(r) AMT Setup and Configuration Service',
  'Intel(r) AMT Time Synchronization Service',
  'Intel(r) AMT Authorization Service',
  'Intel(r) AMT User Initiated Connection Service',
  'Intel(r) AMT Alarm Clock Service',
  'Intel(r) AMT Asset Table Service',
  'Intel(r) AMT OptIn Service',
  'Intel(r) AMT Event Manager Service',
  'ManagedSystem',
  'Intel(r) AMT',
];

const INSTANCE_IDS = [
  'Intel(r) AMT: General Settings',
  'Intel(r) AMT Ethernet Port Settings 0',
  'Intel(r) AMT Ethernet Port Settings 1',
  'Intel(r) AMT:BootSettingData 0',
  'Intel(r) AMT:BootCapabilities 0',
  'Intel(r) AMT: Boot Configuration 0',
  'Intel(r) AMT: Force Hard-drive Boot',
  'Intel(r) AMT: Force PXE Boot',
  'Intel(r) AMT: Force CD/DVD Boot',
  'Intel(r) AMT:PowerManagementCapabilities 0',
  'Intel(r) KVM Redirection Settings',
  'Intel(r) AMT:Host Boot Reason',
  'Intel(r) AMT:All',
];
