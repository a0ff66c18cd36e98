/**
 * MKHI GetFWCaps — how Intel LMS decides whether AMT is present and enabled.
 * Header: group, command (bit 7 = response), reserved, result; GetFWCaps is group 3, command 2,
 * followed by a u32 rule id; the answer echoes the rule, then u8 length (4) and u32 data.
 */
import { AmtError } from '../errors';
import type { MeiConnection } from '../mei/types';
import { Exchange, type CallOptions } from './exchange';

export const MKHI_GUID = '8e6a6715-9abc-4043-88ef-9e39c6f63e0f';

export const FwCapsRule = {
  FEATURES_CAPABLE: 0,
  FW_UPDATE_STATE: 7,
  PLATFORM_TYPE: 29,
  FEATURES_ENABLED: 32,
  FEATURES_AVAILABLE: 39,
} as const;

/** Bits of the feature mask carried by rules 0, 32 and 39. */
export const Feature = {
  AMT: 1 << 2, PSR: 1 << 5, CLS: 1 << 6, PAVP: 1 << 12, RCA: 1 << 14, IPV6: 1 << 17, KVM: 1 << 18,
  MEDAL: 1 << 20, TLS: 1 << 21, CILA: 1 << 22,
} as const;

export const MkhiResult: Record<number, string> = {
  0x00: 'SUCCESS', 0x01: 'INVALID_STATE', 0x02: 'MESSAGE_SKIPPED', 0x05: 'SIZE_ERROR', 0x16: 'ENINVAL',
  0x81: 'NOT_FOUND', 0x84: 'INVALID_ACCESS', 0x85: 'INVALID_PARAMS', 0x88: 'NOT_READY', 0x89: 'NOT_SUPPORTED',
  0x8c: 'INVALID_ADDRESS', 0x8d: 'INVALID_COMMAND', 0x99: 'GENERIC_FAILURE', 0x9e: 'FAILURE', 0xe4: 'INVALID_RESOURCE',
  0xe5: 'RESOURCE_IN_USE', 0xe6: 'NO_RESOURCE', 0xfe: 'RETRY', 0xff: 'GENERAL_ERROR',
};

const GROUP_FWCAPS = 0x03;
const CMD_GET_FW_CAPS = 0x02;

export function buildGetFwCaps(rule: number): Buffer {
  const out = Buffer.from([GROUP_FWCAPS, CMD_GET_FW_CAPS, 0, 0, 0, 0, 0, 0]);
  out.writeUInt32LE(rule >>> 0, 4);
  return out;
}

/** Returns the rule's u32 data; throws AmtError on a bad header, a non-zero result or a wrong echo. */
export function parseGetFwCaps(buf: Buffer, rule: number): number {
  const bad = (why: string) => new AmtError('mkhi.protocol', `AMT's answer to GetFWCaps(rule ${rule}) is malformed: ${why}.`);
  if (buf.length < 4) throw bad(`only ${buf.length} bytes`);
  if (buf[0] !== GROUP_FWCAPS || buf[1] !== (CMD_GET_FW_CAPS | 0x80)) throw bad(`it answers group ${buf[0]} command 0x${buf[1].toString(16)}`);
  const result = buf[3];
  if (result !== 0) {
    throw new AmtError('mkhi.result', `The ME refused GetFWCaps(rule ${rule}) with ${MkhiResult[result] ?? `result 0x${result.toString(16)}`}; this firmware may not support the query.`);
  }
  if (buf.length !== 13) throw bad(`${buf.length} bytes instead of 13`);
  if (buf.readUInt32LE(4) !== rule) throw bad(`it echoes rule ${buf.readUInt32LE(4)}`);
  if (buf[8] !== 4) throw bad(`rule data length ${buf[8]} instead of 4`);
  return buf.readUInt32LE(9);
}

/** LMS's FeatureStateLogic: capable → enabled → available. */
export interface AmtFeatureState {
  capable: boolean;
  enabled: boolean;
  available: boolean;
  state: 'not-present' | 'disabled' | 'enabled' | 'available';
}

export class MkhiClient {
  private readonly exchange: Exchange;

  constructor(mei: MeiConnection) {
    this.exchange = new Exchange(mei, 'MKHI');
  }

  async getFwCaps(rule: number, options?: CallOptions): Promise<number> {
    return parseGetFwCaps(await this.exchange.call(buildGetFwCaps(rule), `GetFWCaps(rule ${rule})`, options), rule);
  }

  async getAmtFeatureState(options?: CallOptions): Promise<AmtFeatureState> {
    const has = async (rule: number) => ((await this.getFwCaps(rule, options)) & Feature.AMT) !== 0;
    const capable = await has(FwCapsRule.FEATURES_CAPABLE);
    const enabled = capable && (await has(FwCapsRule.FEATURES_ENABLED));
    const available = enabled && (await has(FwCapsRule.FEATURES_AVAILABLE));
    const state = !capable ? 'not-present' : !enabled ? 'disabled' : !available ? 'enabled' : 'available';
    return { capable, enabled, available, state };
  }

  close(): Promise<void> {
    return this.exchange.mei.close();
  }
}
