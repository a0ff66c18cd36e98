/**
 * Host power: read the state and request a change (Intel AMT SDK "Power Control", DMTF DSP1027 Power State Management Profile).
 *
 * - State: Enumerate CIM_AssociatedPowerManagementService and read PowerState of the first item
 *   (the association between the host CIM_ComputerSystem "ManagedSystem" and the power service).
 * - Change: CIM_PowerManagementService.RequestPowerStateChange(PowerState, ManagedElement = EPR of
 *   CIM_ComputerSystem CreationClassName=CIM_ComputerSystem, Name=ManagedSystem), no selectors.
 *   PowerState uses that method's ValueMap (DMTF DSP1027 numbers on the wire).
 */
import { AmtError } from '../../errors';
import { Catalog } from '../../catalog/catalog';
import type { PowerAction, PowerActionResult, PowerStateResult } from '../../protocol';
import type { EndpointReference, WsValue } from '../../wsman/types';
import { resourceUriFor } from '../../wsman/namespaces';

export type { PowerAction } from '../../protocol';

/** Anything that can enumerate and invoke (a WsmanClient). */
export interface PowerClient {
  enumerateAll(
    cls: string,
    opts?: { maxElements?: number },
    call?: CallOptions,
  ): Promise<{ instance?: { properties: Record<string, WsValue> } }[]>;
  invoke(
    cls: string,
    method: string,
    input: Record<string, unknown>,
    selectors?: Record<string, unknown>,
    call?: CallOptions,
  ): Promise<{ returnValue: number; returnMeaning: string; output: Record<string, WsValue> }>;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** RequestPowerStateChange values for each action (CIM_PowerManagementService ValueMap, DMTF DSP1027). */
export const POWER_ACTIONS: Readonly<Record<PowerAction, number>> = Object.freeze({
  on: 2, // Power On
  cycle: 5, // Power Cycle (Off Soft)
  off: 8, // Power Off - Soft (remote, all AMT versions)
  reset: 10, // Master Bus Reset
  'soft-off': 12, // Power Off - Soft Graceful (needs the OS, AMT 9.0+)
  'soft-reset': 14, // Master Bus Reset Graceful (needs the OS, AMT 9.0+)
});

const ACTION_TEXT: Readonly<Record<PowerAction, string>> = {
  on: 'power the host on',
  cycle: 'power-cycle the host',
  off: 'power the host off',
  reset: 'reset the host',
  'soft-off': 'shut the host down gracefully',
  'soft-reset': 'restart the host gracefully',
};

export function isPowerAction(text: string): text is PowerAction {
  return Object.prototype.hasOwnProperty.call(POWER_ACTIONS, text);
}

/** The host computer system as AMT names it: the ManagedElement of RequestPowerStateChange. */
export function managedSystemEpr(): EndpointReference {
  return {
    kind: 'epr',
    address: '',
    resourceUri: resourceUriFor('CIM_ComputerSystem'),
    selectors: { CreationClassName: 'CIM_ComputerSystem', Name: 'ManagedSystem' },
  };
}

export interface PowerStateDetails extends PowerStateResult {
  /** What the device says it would accept now (RequestPowerStateChange values), with labels. */
  available: { value: number; label: string }[];
}

/** Reads the host power state, e.g. `{ powerState: 2, label: 'On' }`. */
export async function getPowerState(client: PowerClient, call: CallOptions = {}, catalog = Catalog.default()): Promise<PowerStateDetails> {
  const items = await client.enumerateAll('CIM_AssociatedPowerManagementService', {}, call);
  const props = items.find((i) => i.instance)?.instance?.properties;
  if (!props) {
    throw new AmtError(
      'power.unavailable',
      'The device lists no CIM_AssociatedPowerManagementService instance, so its power state cannot be read; check that the account has the Remote Control realm and that AMT is provisioned.',
    );
  }
  const powerState = toInt(props.PowerState);
  if (powerState === undefined) {
    throw new AmtError('power.unavailable', `The device reported the power state "${String(props.PowerState)}", which is not a number; the firmware answer is malformed, so retry or check the device.`);
  }
  const available = toIntArray(props.AvailableRequestedPowerStates).map((value) => ({
    value,
    label: catalog.valueLabel('CIM_AssociatedPowerManagementService', 'AvailableRequestedPowerStates', value) ?? `Unknown (${value})`,
  }));
  return {
    powerState,
    label: catalog.valueLabel('CIM_AssociatedPowerManagementService', 'PowerState', powerState) ?? `Unknown (${powerState})`,
    available,
  };
}

/**
 * Requests a power action and, when the device accepts it, reads the new state back. A non-zero
 * ReturnValue is an AmtError (`power.refused`) whose sentence carries the value and its meaning.
 */
export async function requestPowerAction(
  client: PowerClient,
  action: PowerAction,
  call: CallOptions & { readBack?: boolean } = {},
  catalog = Catalog.default(),
): Promise<PowerActionResult> {
  if (!isPowerAction(action)) {
    throw new AmtError('power.invalid-action', `"${String(action)}" is not a power action; use one of ${Object.keys(POWER_ACTIONS).join(', ')}.`);
  }
  const value = POWER_ACTIONS[action];
  const { returnValue, returnMeaning } = await client.invoke(
    'CIM_PowerManagementService',
    'RequestPowerStateChange',
    { PowerState: String(value), ManagedElement: managedSystemEpr() },
    undefined,
    call,
  );
  if (returnValue !== 0) {
    throw new AmtError('power.refused', `The device refused to ${ACTION_TEXT[action]} (ReturnValue ${returnValue}: ${returnMeaning}); ${refusalHint(returnValue, action)}.`);
  }
  const result: PowerActionResult = { returnValue, returnMeaning };
  if (call.readBack !== false) {
    try {
      const state = await getPowerState(client, call, catalog);
      result.powerState = { powerState: state.powerState, label: state.label };
    } catch {
      // The action succeeded; the state read-back is a convenience and may race the transition.
    }
  }
  return result;
}

function refusalHint(returnValue: number, action: PowerAction): string {
  switch (returnValue) {
    case 1:
      return 'this firmware does not support that action, so try plain on, off, cycle or reset';
    case 4097:
      return action === 'on'
        ? 'the host is probably already on, so check "power status"'
        : 'the host is probably not in a state that allows it (for example already off), so check "power status" first';
    case 6:
    case 4099:
      return 'a KVM, SOL or IDE-R session or an earlier power request is still active, so wait about 10 seconds and try again';
    case 5:
      return 'the device rejected the request parameters, so check the AMT firmware version supports this action';
    default:
      return 'end any KVM, SOL or IDE-R session and wait for an earlier power request to finish, then try again';
  }
}

function toInt(v: WsValue | undefined): number | undefined {
  if (typeof v !== 'string' || !/^\s*\d+\s*$/.test(v)) return undefined;
  return Number(v);
}

function toIntArray(v: WsValue | undefined): number[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.map((x) => toInt(x)).filter((x): x is number => x !== undefined);
}
