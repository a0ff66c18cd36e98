/**
 * "What is this AMT?" in one call: MKHI feature state, then the AMTHI facts a user asks for first.
 * Connections are opened through `open` and closed afterwards, as LMS does per command group.
 */
import type { MeiConnection } from '../mei/types';
import { AmthiClient } from './client';
import { AMTHI_GUID, type CodeVersions, type ControlMode, type LanInterfaceSettings, type ProvisioningState } from './commands';
import type { CallOptions } from './exchange';
import { MKHI_GUID, MkhiClient, type AmtFeatureState } from './mkhi';

/** Opens a MEI connection to the firmware client with this GUID (e.g. `mei/device.ts`). */
export type MeiOpener = (guid: string, options?: { signal?: AbortSignal }) => Promise<MeiConnection>;

export interface AmtInfo {
  /** From MKHI; undefined when the MKHI client could not be asked (the reason is in `featureStateError`). */
  featureState?: AmtFeatureState;
  featureStateError?: string;
  /** False only when MKHI says AMT is not present or disabled. */
  amtEnabled: boolean;
  /** The rest is absent when AMT is disabled. */
  codeVersions?: CodeVersions;
  /** The "AMT" entry of the code versions, e.g. `16.1.25`. */
  amtVersion?: string;
  provisioningState?: ProvisioningState;
  controlMode?: ControlMode;
  uuid?: string;
  dnsSuffix?: string;
  wired?: LanInterfaceSettings;
  /** Absent when the platform has no wireless AMT interface. */
  wireless?: LanInterfaceSettings;
}

export async function info(open: MeiOpener, options: CallOptions = {}): Promise<AmtInfo> {
  const result: AmtInfo = { amtEnabled: true };
  try {
    const mkhi = new MkhiClient(await open(MKHI_GUID, { signal: options.signal }));
    try {
      result.featureState = await mkhi.getAmtFeatureState(options);
    } finally {
      await mkhi.close();
    }
    result.amtEnabled = result.featureState.enabled;
  } catch (err) {
    options.signal?.throwIfAborted();
    result.featureStateError = err instanceof Error ? err.message : String(err);
  }
  if (!result.amtEnabled) return result;

  const amthi = new AmthiClient(await open(AMTHI_GUID, { signal: options.signal }));
  try {
    result.codeVersions = await amthi.getCodeVersions(options);
    result.amtVersion = result.codeVersions.versions.find((v) => v.description === 'AMT')?.version;
    result.provisioningState = await amthi.getProvisioningState(options);
    result.controlMode = await amthi.getControlMode(options);
    result.uuid = await amthi.getUUID(options);
    result.dnsSuffix = await amthi.getDNSSuffix(options);
    result.wired = await amthi.getLANInterfaceSettings('wired', options);
    result.wireless = await amthi.getLANInterfaceSettings('wireless', options).catch((err) => {
      if (err?.code === 'amthi.no-interface' || err?.code === 'amthi.invalid-parameter') return undefined;
      throw err;
    });
  } finally {
    await amthi.close();
  }
  return result;
}
