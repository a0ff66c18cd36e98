/**
 * Host power over the legacy RemoteControl service (AMT before 6.0): GetSystemPowerState gives the
 * ACPI S-state in its low four bits (amttool: S0 … S5, 6 "S4/S5", 7 "Off"); RemoteControl takes
 * Command 16 reset, 17 power up, 18 power down, 19 power cycle with IanaOemNumber 343 (Intel).
 * States and what can be asked next are reported with the CIM numbers and labels the WS-Man power
 * view uses, so the Power view and `amtwb power` read the same for both generations.
 */
import { AmtError } from '../../errors';
import { Catalog } from '../../catalog/catalog';
import type { PowerAction, PowerActionResult } from '../../protocol';
import type { CallOptions } from '../../wsman';
import type { PowerStateDetails } from '../power';
import { callLegacy, ptStatusMeaning, type LegacyClient } from './soap';

/** CIM PowerState for each S-state value of GetSystemPowerState. */
const S_TO_CIM: readonly number[] = [2, 3, 3, 4, 7, 8, 8, 6];

/** RemoteControl commands for the actions this firmware has. */
export const LEGACY_COMMANDS: Partial<Record<PowerAction, number>> = { reset: 16, on: 17, off: 18, cycle: 19 };
/** The RequestPowerStateChange value each command corresponds to (for "what can be asked next"). */
const AS_CIM: Record<number, number> = { 16: 10, 17: 2, 18: 8, 19: 5 };
const INTEL_IANA = 343;

const ACTION_TEXT: Record<string, string> = { on: 'power the host on', off: 'power the host off', reset: 'reset the host', cycle: 'power-cycle the host' };

export async function legacyPowerState(client: LegacyClient, call: CallOptions = {}, catalog = Catalog.default()): Promise<PowerStateDetails> {
  const a = await callLegacy(client, 'RemoteControl', 'GetSystemPowerState', {}, call);
  const raw = a.fields.get('SystemPowerState');
  if (a.status !== 0 || raw === undefined || !/^\d+$/.test(raw)) {
    throw new AmtError('power.unavailable', `The device answered GetSystemPowerState with ${a.status !== 0 ? ptStatusMeaning(a.status) : 'no power state'}, so its power state cannot be read; check that the account has the Remote Control realm.`);
  }
  const powerState = S_TO_CIM[Number(raw) & 0x0f] ?? 6;
  const label = (v: number) => catalog.valueLabel('CIM_AssociatedPowerManagementService', 'PowerState', v) ?? `Unknown (${v})`;
  const next = powerState === 2 ? [16, 18, 19] : [17];
  const available = next.map((c) => ({
    value: AS_CIM[c],
    label: catalog.valueLabel('CIM_AssociatedPowerManagementService', 'AvailableRequestedPowerStates', AS_CIM[c]) ?? `Unknown (${AS_CIM[c]})`,
  }));
  return { powerState, label: label(powerState), available };
}

/** Sends one RemoteControl (never twice) and reads the state back; a non-success PT_STATUS is `power.refused`. */
export async function legacyPowerAction(client: LegacyClient, action: PowerAction, call: CallOptions & { readBack?: boolean } = {}, catalog = Catalog.default()): Promise<PowerActionResult> {
  const command = LEGACY_COMMANDS[action];
  if (command === undefined) {
    throw new AmtError('legacy.unsupported', `"${action}" needs the host OS's cooperation, which AMT before 9.0 cannot ask for; use off or reset instead.`);
  }
  const { readBack, ...opts } = call;
  const a = await callLegacy(client, 'RemoteControl', 'RemoteControl', { Command: command, IanaOemNumber: INTEL_IANA }, { ...opts, command: true });
  if (a.status !== 0) {
    const hint = a.status === 0x10
      ? action === 'on' ? 'the host is probably already on, so check "power status"' : 'the host is probably not running (for example already off), so check "power status" first'
      : 'end any SOL or IDE-R session and try again';
    throw new AmtError('power.refused', `The device refused to ${ACTION_TEXT[action]} (PT_STATUS 0x${a.status.toString(16)}: ${ptStatusMeaning(a.status)}); ${hint}.`);
  }
  const result: PowerActionResult = { returnValue: 0, returnMeaning: 'Completed with No Error' };
  if (readBack !== false) {
    try {
      const s = await legacyPowerState(client, opts, catalog);
      result.powerState = { powerState: s.powerState, label: s.label };
    } catch {
      // The command succeeded; reading the state back is a convenience.
    }
  }
  return result;
}
