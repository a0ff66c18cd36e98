/**
 * Boot control (DMTF DSP1012 Boot Control Profile as Intel AMT implements it; Intel AMT SDK "Boot
 * Control"): CIM_BootService (SetBootConfigRole, RequestStateChange for One Click Recovery /
 * Remote Platform Erase), the one CIM_BootConfigSetting (ChangeBootOrder), the forcible
 * CIM_BootSourceSetting instances (as recorded: Hard-drive, PXE, CD/DVD), and the
 * CIM_ElementSettingData that links the host to the boot configuration and whose IsNext
 * SetBootConfigRole changes. What the next boot does with all this is host/host.ts.
 *
 * Return values (CIM ValueMap of both methods, as go-wsman-messages decodes them): 0 Completed,
 * 1 Not Supported, 4 Invalid Reference, 5 Invalid Parameter. AMT supports only "next single use"
 * and "not next" (SDK "Boot Control": clauses 7.4.5 and 7.4.6 of DSP1012): Role 1 (IsNextSingleUse)
 * and the vendor value 32768 (not next) are accepted; Role 0 (IsNext) and 2 (IsDefault) are Not Supported.
 * ChangeBootOrder takes no Source (clears the forced device) or exactly one existing source.
 */
import { CIM_RETURN } from '../power-states';
import { epr, type EprValue, type PropMap, type PropValue } from '../values';
import { amtService, cimUri, hostSystemEpr, SERVICE_PROPS } from './common';
import type { ClassDef, MethodResult } from './types';

const BOOT_CONFIG_ID = 'Intel(r) AMT: Boot Configuration 0';
const INVALID_REFERENCE = 4;
const ROLE_SINGLE_USE = 1;
const ROLE_NOT_NEXT = 32768;
/** CIM_BootService.EnabledState on AMT 16+: 32768 + bit 0 (OCR enabled) + bit 1 (RPE enabled) (MeshCommander `showEnableBootServiceDlg`). */
const OCR_STATE_BASE = 32768;

const done = (returnValue: number): MethodResult => ({ returnValue });

function isEpr(v: PropValue | undefined): v is EprValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as EprValue).kind === 'epr';
}

function selector(e: EprValue, name: string): string | undefined {
  const s = e.selectors.find((x) => x.name === name);
  return typeof s?.value === 'string' ? s.value : undefined;
}

const BOOT_SERVICE: ClassDef = {
  name: 'CIM_BootService',
  commonNs: true,
  props: { ...SERVICE_PROPS },
  // AMT 16+ starts with One Click Recovery on and Remote Platform Erase off (32769, as the Device
  // Management Toolkit console's tests read it); older firmware reports 2 (recorded, no such feature).
  initial: (device) => [
    amtService('CIM_BootService', 'Intel(r) AMT Boot Service', { EnabledState: device.model.hasOcr ? OCR_STATE_BASE + 1 : 2, OperationalStatus: [0], RequestedState: 12 }),
  ],
  methods: {
    SetBootConfigRole: {
      inputs: { BootConfigSetting: 'epr req', Role: 'uint16 req' },
      run: ({ device }, input) => {
        const ref = input.BootConfigSetting;
        if (!isEpr(ref) || ref.resourceUri !== cimUri('CIM_BootConfigSetting') || selector(ref, 'InstanceID') !== BOOT_CONFIG_ID) {
          return done(INVALID_REFERENCE);
        }
        const role = Number(input.Role);
        if (role !== ROLE_SINGLE_USE && role !== ROLE_NOT_NEXT) return done(CIM_RETURN.NotSupported);
        const link = device.instances('CIM_ElementSettingData').find((e) => isEpr(e.SettingData) && selector(e.SettingData, 'InstanceID') === BOOT_CONFIG_ID);
        if (link) link.IsNext = role === ROLE_SINGLE_USE ? 3 : 2;
        return done(CIM_RETURN.Completed);
      },
    },
    RequestStateChange: {
      inputs: { RequestedState: 'uint16 req', TimeoutPeriod: 'datetime' },
      run: ({ device, instance }, input) => {
        const wanted = Number(input.RequestedState);
        if (!device.model.hasOcr) return done(CIM_RETURN.NotSupported);
        if (wanted < OCR_STATE_BASE || wanted > OCR_STATE_BASE + 3) return done(CIM_RETURN.InvalidParameter);
        if (instance) instance.EnabledState = wanted;
        return done(CIM_RETURN.Completed);
      },
    },
  },
};

const BOOT_CONFIG_SETTING: ClassDef = {
  name: 'CIM_BootConfigSetting',
  props: { ElementName: 'string', InstanceID: 'string key' },
  initial: () => [{ ElementName: 'Intel(r) AMT: Boot Configuration', InstanceID: BOOT_CONFIG_ID }],
  methods: {
    ChangeBootOrder: {
      inputs: { Source: 'epr[]' },
      run: ({ device }, input) => {
        const sources = input.Source === undefined ? [] : Array.isArray(input.Source) ? input.Source : [input.Source];
        if (sources.length === 0) {
          delete device.host.state.forcedSource;
          return done(CIM_RETURN.Completed);
        }
        if (sources.length > 1) return done(CIM_RETURN.InvalidParameter);
        const ref = sources[0];
        const id = isEpr(ref) && ref.resourceUri === cimUri('CIM_BootSourceSetting') ? selector(ref, 'InstanceID') : undefined;
        if (!id || !device.instances('CIM_BootSourceSetting').some((s) => s.InstanceID === id)) return done(INVALID_REFERENCE);
        device.host.state.forcedSource = id;
        return done(CIM_RETURN.Completed);
      },
    },
  },
};

function source(id: string, structured: string): PropMap {
  return { ElementName: 'Intel(r) AMT: Boot Source', FailThroughSupported: 2, InstanceID: `Intel(r) AMT: ${id}`, StructuredBootString: structured };
}

const BOOT_SOURCE_SETTING: ClassDef = {
  name: 'CIM_BootSourceSetting',
  props: {
    BIOSBootString: 'string',
    BootString: 'string',
    ElementName: 'string',
    FailThroughSupported: 'uint16',
    InstanceID: 'string key',
    StructuredBootString: 'string',
  },
  // As recorded (go-wsman-messages cim/boot/sourcesetting/pull.xml), plus on AMT 16+ the One Click
  // Recovery HTTPS source the BIOS registers (its InstanceID as Open AMT mps and the console use it;
  // its StructuredBootString is the simulator's own vendor form, none being published).
  initial: (device) => [
    source('Force Hard-drive Boot', 'CIM:Hard-Disk:1'),
    source('Force PXE Boot', 'CIM:Network:1'),
    source('Force CD/DVD Boot', 'CIM:CD/DVD:1'),
    ...(device.model.hasOcr ? [source('Force OCR UEFI HTTPS Boot', 'Intel:UEFI-HTTPS:1')] : []),
  ],
};

/** CIM_ElementSettingData: the host ↔ boot configuration link (SDK "Boot Control"); IsNext 2 = Is Not Next, 3 = Is Next For Single Use. */
const ELEMENT_SETTING_DATA: ClassDef = {
  name: 'CIM_ElementSettingData',
  props: { IsCurrent: 'uint16', IsDefault: 'uint16', IsNext: 'uint16', ManagedElement: 'epr key', SettingData: 'epr key' },
  initial: () => [
    { IsNext: 2, ManagedElement: hostSystemEpr(), SettingData: epr(cimUri('CIM_BootConfigSetting'), { InstanceID: BOOT_CONFIG_ID }) },
  ],
};

export const BOOT_CONTROL_CLASSES: readonly ClassDef[] = [BOOT_SERVICE, BOOT_CONFIG_SETTING, BOOT_SOURCE_SETTING, ELEMENT_SETTING_DATA];
