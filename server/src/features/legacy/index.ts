/**
 * Devices older than AMT 6.0. They have no /wsman (HTTP 404) and answer the legacy SOAP services
 * instead; AMT Workbench still offers their information and power control. Each entry point here
 * tries WS-Management first and, only when the device answered 404 for /wsman and then answers
 * GetCoreVersion over SOAP, uses the legacy call. A 404 means /wsman did not act on the request,
 * so a power command reaches the device once: by RemoteControl, never in addition.
 */
import { AmtError } from '../../errors';
import type { PowerAction, PowerActionResult } from '../../protocol';
import { ProtocolError, type CallOptions, type WsmanClient } from '../../wsman';
import { identifySummary } from '../instances';
import { getPowerState, requestPowerAction, type PowerStateDetails } from '../power';
import { legacyCoreVersion, legacyIdentify, readLegacyInfo, type LegacyIdentifyResult } from './info';
import { legacyPowerAction, legacyPowerState } from './power';
import type { IdentifyResult } from '../../protocol';

export { legacySummary, readLegacyInfo, legacyIdentify, type LegacyInfo, type LegacyIdentifyResult } from './info';
export { legacyPowerAction, legacyPowerState, LEGACY_COMMANDS } from './power';
export { callLegacy, type LegacyClient } from './soap';

/**
 * Runs `wsman`; when the device has no /wsman but is a legacy AMT, runs `legacy` with its core
 * version instead. Anything else (a wrong password included) is thrown as it came.
 */
export async function viaLegacy<T>(client: WsmanClient, wsman: () => Promise<T>, legacy: (version: string) => Promise<T>, call: CallOptions = {}): Promise<T> {
  try {
    return await wsman();
  } catch (err) {
    if (!(err instanceof ProtocolError) || err.status !== 404) throw err;
    let version: string;
    try {
      version = await legacyCoreVersion(client, call);
    } catch (probe) {
      // Not a legacy AMT either: the 404 sentence is the better answer.
      if ((probe instanceof AmtError && probe.code.startsWith('legacy.')) || probe instanceof ProtocolError) throw err;
      throw probe;
    }
    return legacy(version);
  }
}

/** Identify, or for a legacy device its SOAP information with the one-sentence summary. */
export function identifyDevice(client: WsmanClient, call: CallOptions = {}): Promise<IdentifyResult | LegacyIdentifyResult> {
  return viaLegacy(client, () => identifySummary(client, call), async (v) => legacyIdentify(await readLegacyInfo(client, call, v), client.serverHeader), call);
}

export function devicePowerState(client: WsmanClient, call: CallOptions = {}): Promise<PowerStateDetails> {
  return viaLegacy(client, () => getPowerState(client, call), () => legacyPowerState(client, call), call);
}

export function devicePowerAction(client: WsmanClient, action: PowerAction, call: CallOptions & { readBack?: boolean } = {}): Promise<PowerActionResult> {
  return viaLegacy(client, () => requestPowerAction(client, action, call), () => legacyPowerAction(client, action, call), call);
}

export function isLegacyIdentify(id: IdentifyResult): id is LegacyIdentifyResult {
  return typeof (id as Partial<LegacyIdentifyResult>).legacy === 'object';
}
