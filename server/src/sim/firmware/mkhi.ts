/**
 * The simulated MKHI client (Intel LMS MKHIClient; Linux drivers/misc/mei/mkhi.h). Header: group, command (bit 7 = response), reserved,
 * result. Answers what LMS asks at start-up (Intel LMS): GetFWVersion (0xFF/0x02) and GetFWCaps (3/0x02)
 * for rules 0 (capable), 7 (FW update), 29 (platform type), 32 (enabled) and 39 (available).
 * Numbers are duplicated from the spec on purpose (no product imports in the simulator).
 */
import type { FirmwareClient, FirmwareConnection, FirmwareSession } from '../mei/firmware';
import type { DeviceFacts } from './facts';

export const MKHI_GUID = '8e6a6715-9abc-4043-88ef-9e39c6f63e0f';

const GROUP_FWCAPS = 0x03;
const GROUP_GEN = 0xff;
const CMD_GET_RULE = 0x02; // GetFWCaps in group 3, GetFWVersion in group 0xFF
const RESULT = { SUCCESS: 0x00, SIZE_ERROR: 0x05, NOT_SUPPORTED: 0x89, INVALID_COMMAND: 0x8d } as const;

const FEATURE_AMT = 1 << 2;
const FEATURE_IPV6 = 1 << 17;
const FEATURE_KVM = 1 << 18;
const FEATURE_TLS = 1 << 21;
/** Desktop (b1), image type 4 = full AMT (b8–11), brand 1 = AMT (b12–15): what LMS wants (Intel LMS). */
const PLATFORM_TYPE = (1 << 1) | (4 << 8) | (1 << 12);

export class MkhiFirmware implements FirmwareClient {
  readonly guid = MKHI_GUID;
  readonly protocolVersion = 1;
  readonly singleConnection = false;

  constructor(private readonly facts: DeviceFacts, readonly maxMessageLength = 512) {}

  open(connection: FirmwareConnection): FirmwareSession {
    return { onMessage: (m) => connection.send(this.answer(m)), onClose: () => {} };
  }

  private answer(req: Buffer): Buffer {
    const group = req[0] ?? 0;
    const command = (req[1] ?? 0) & 0x7f;
    const header = (result: number) => Buffer.of(group, command | 0x80, 0, result);
    if (req.length < 4) return header(RESULT.SIZE_ERROR);
    if (group === GROUP_GEN && command === CMD_GET_RULE) return Buffer.concat([header(RESULT.SUCCESS), this.fwVersion()]);
    if (group !== GROUP_FWCAPS || command !== CMD_GET_RULE) return header(RESULT.INVALID_COMMAND);
    if (req.length !== 8) return header(RESULT.SIZE_ERROR);
    const rule = req.readUInt32LE(4);
    const value = this.rule(rule);
    if (value === undefined) return header(RESULT.NOT_SUPPORTED);
    const out = Buffer.alloc(9);
    out.writeUInt32LE(rule, 0);
    out.writeUInt8(4, 4); // rule data length
    out.writeUInt32LE(value >>> 0, 5);
    return Buffer.concat([header(RESULT.SUCCESS), out]);
  }

  private rule(rule: number): number | undefined {
    const f = this.facts;
    const others = FEATURE_IPV6 | FEATURE_KVM | FEATURE_TLS;
    switch (rule) {
      case 0:
        return f.amtCapable ? FEATURE_AMT | others : others;
      case 32:
      case 39:
        return f.amtCapable && f.amtEnabled ? FEATURE_AMT | others : others;
      case 7:
        return 1; // FW update enabled
      case 29:
        return PLATFORM_TYPE;
      default:
        return undefined;
    }
  }

  /** LMS layout: 8 × u16 — code minor, major, build, hotfix, then the same for recovery. */
  private fwVersion(): Buffer {
    const amt = this.facts.codeVersions.find((v) => v.description === 'AMT')?.version ?? '0.0.0';
    const build = Number(this.facts.codeVersions.find((v) => v.description === 'Build Number')?.version ?? 0);
    const [major = 0, minor = 0, hotfix = 0] = amt.split('.').map(Number);
    const out = Buffer.alloc(16);
    [minor, major, build, hotfix, minor, major, build, hotfix].forEach((v, i) => out.writeUInt16LE(v & 0xffff, i * 2));
    return out;
  }
}
