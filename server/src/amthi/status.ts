/**
 * AMTHI status codes (the AMT_STATUS values of Intel LMS and the Intel AMT SDK) and the sentences a user sees for them. Names drop the
 * `AMT_STATUS_` prefix; `PT_STATUS_*` and SDK codes keep theirs.
 */
import { AmtError, type ErrorCode } from '../errors';

export const AmtStatus = {
  SUCCESS: 0x0,
  INTERNAL_ERROR: 0x1,
  NOT_READY: 0x2,
  INVALID_PT_MODE: 0x3,
  INVALID_MESSAGE_LENGTH: 0x4,
  TABLE_FINGERPRINT_NOT_AVAILABLE: 0x5,
  INTEGRITY_CHECK_FAILED: 0x6,
  UNSUPPORTED_ISVS_VERSION: 0x7,
  APPLICATION_NOT_REGISTERED: 0x8,
  INVALID_REGISTRATION_DATA: 0x9,
  APPLICATION_DOES_NOT_EXIST: 0xa,
  NOT_ENOUGH_STORAGE: 0xb,
  INVALID_NAME: 0xc,
  BLOCK_DOES_NOT_EXIST: 0xd,
  INVALID_BYTE_OFFSET: 0xe,
  INVALID_BYTE_COUNT: 0xf,
  NOT_PERMITTED: 0x10,
  NOT_OWNER: 0x11,
  BLOCK_LOCKED_BY_OTHER: 0x12,
  BLOCK_NOT_LOCKED: 0x13,
  INVALID_GROUP_PERMISSIONS: 0x14,
  GROUP_DOES_NOT_EXIST: 0x15,
  INVALID_MEMBER_COUNT: 0x16,
  MAX_LIMIT_REACHED: 0x17,
  INVALID_AUTH_TYPE: 0x18,
  AUTHENTICATION_FAILED: 0x19,
  INVALID_DHCP_MODE: 0x1a,
  INVALID_IP_ADDRESS: 0x1b,
  INVALID_DOMAIN_NAME: 0x1c,
  UNSUPPORTED_VERSION: 0x1d,
  REQUEST_UNEXPECTED: 0x1e,
  INVALID_TABLE_TYPE: 0x1f,
  INVALID_PROVISIONING_STATE: 0x20,
  UNSUPPORTED_OBJECT: 0x21,
  INVALID_TIME: 0x22,
  INVALID_INDEX: 0x23,
  INVALID_PARAMETER: 0x24,
  INVALID_NETMASK: 0x25,
  FLASH_WRITE_LIMIT_EXCEEDED: 0x26,
  INVALID_IMAGE_LENGTH: 0x27,
  INVALID_IMAGE_SIGNATURE: 0x28,
  PROPOSE_ANOTHER_VERSION: 0x29,
  INVALID_PID_FORMAT: 0x2a,
  INVALID_PPS_FORMAT: 0x2b,
  BIST_COMMAND_BLOCKED: 0x2c,
  CONNECTION_FAILED: 0x2d,
  CONNECTION_TOO_MANY: 0x2e,
  RNG_GENERATION_IN_PROGRESS: 0x2f,
  RNG_NOT_READY: 0x30,
  CERTIFICATE_NOT_READY: 0x31,
  PT_STATUS_REMOTE_ACCESS_NOT_GRANTED: 0x200,
  PT_STATUS_REMOTE_ACCESS_HOST_VPN_IS_DISABLED: 0x201,
  PT_STATUS_REMOTE_ACCESS_GRANTED_WITHOUT_DDNS: 0x202,
  PT_STATUS_REMOTE_ACCESS_GRANTED_WITH_DDNS: 0x203,
  DISABLED_BY_POLICY: 0x400,
  UNSUPPORTED_OEM_NUMBER: 0x801,
  UNSUPPORTED_BOOT_OPTION: 0x802,
  INVALID_COMMAND: 0x803,
  INVALID_SPECIAL_COMMAND: 0x804,
  INVALID_HANDLE: 0x805,
  INVALID_PASSWORD: 0x806,
  INVALID_REALM: 0x807,
  STORAGE_ACL_ENTRY_IN_USE: 0x808,
  DATA_MISSING: 0x809,
  DUPLICATE: 0x80a,
  EVENTLOG_FROZEN: 0x80b,
  PKI_MISSING_KEYS: 0x80c,
  PKI_GENERATING_KEYS: 0x80d,
  INVALID_KEY: 0x80e,
  INVALID_CERT: 0x80f,
  CERT_KEY_NOT_MATCH: 0x810,
  MAX_KERB_DOMAIN_REACHED: 0x811,
  UNSUPPORTED: 0x812,
  INVALID_PRIORITY: 0x813,
  NOT_FOUND: 0x814,
  INVALID_CREDENTIALS: 0x815,
  INVALID_PASSPHRASE: 0x816,
  NO_ASSOCIATION: 0x818,
  AUDIT_FAIL: 0x81b,
  BLOCKING_COMPONENT: 0x81c,
  IPV6_INTERFACE_DISABLED: 2500,
  INTERFACE_DOES_NOT_EXIST: 2501,
  PTSDK_STATUS_INTERNAL_ERROR: 0x1000,
  HOST_IF_EMPTY_RESPONSE: 0x4000,
} as const;

export function statusName(status: number): string {
  for (const [name, v] of Object.entries(AmtStatus)) if (v === status) return name;
  return `0x${status.toString(16).toUpperCase()}`;
}

/** Sentences for the statuses a user is likely to meet; the rest get a generic one. */
const SENTENCES: Partial<Record<number, { code: ErrorCode; text: string }>> = {
  [AmtStatus.INTERNAL_ERROR]: { code: 'amthi.internal-error', text: 'AMT reported an internal error; retry, and reset the ME (power-cycle) if it keeps happening.' },
  [AmtStatus.NOT_READY]: { code: 'amthi.not-ready', text: 'AMT is not ready yet (it may still be starting); wait a few seconds and retry.' },
  [AmtStatus.INVALID_PT_MODE]: { code: 'amthi.not-provisioned', text: 'AMT is not provisioned (or is in the wrong mode) for this request; provision AMT first.' },
  [AmtStatus.INVALID_MESSAGE_LENGTH]: { code: 'amthi.protocol', text: 'AMT rejected the request length; this AMT version may not support the command.' },
  [AmtStatus.NOT_PERMITTED]: { code: 'amthi.not-permitted', text: 'AMT does not permit this request in its current state (provisioning state or control mode); check them with "AMT info".' },
  [AmtStatus.MAX_LIMIT_REACHED]: { code: 'amthi.limit', text: 'AMT reached a limit for this kind of entry; remove an entry and retry.' },
  [AmtStatus.AUTHENTICATION_FAILED]: { code: 'auth.failed', text: 'AMT rejected the credentials; check the user name and password.' },
  [AmtStatus.INVALID_PROVISIONING_STATE]: { code: 'amthi.provisioning-state', text: 'AMT is in the wrong provisioning state for this request; check it with "AMT info".' },
  [AmtStatus.INVALID_PARAMETER]: { code: 'amthi.invalid-parameter', text: 'AMT rejected a parameter of the request.' },
  [AmtStatus.CERTIFICATE_NOT_READY]: { code: 'amthi.not-ready', text: 'AMT has not finished creating its certificate; wait a minute and retry.' },
  [AmtStatus.RNG_GENERATION_IN_PROGRESS]: { code: 'amthi.not-ready', text: 'AMT is still seeding its random number generator; wait a minute and retry.' },
  [AmtStatus.RNG_NOT_READY]: { code: 'amthi.not-ready', text: 'AMT is still seeding its random number generator; wait a minute and retry.' },
  [AmtStatus.DISABLED_BY_POLICY]: { code: 'amthi.disabled-by-policy', text: 'The request is disabled by AMT policy (e.g. the BIOS/MEBx setting).' },
  [AmtStatus.INVALID_COMMAND]: { code: 'amthi.unsupported', text: 'This AMT firmware does not know the command.' },
  [AmtStatus.INVALID_HANDLE]: { code: 'amthi.invalid-handle', text: 'AMT does not know that handle (the list may have changed); list the entries again.' },
  [AmtStatus.NOT_FOUND]: { code: 'amthi.not-found', text: 'AMT did not find the requested entry.' },
  [AmtStatus.UNSUPPORTED]: { code: 'amthi.unsupported', text: 'This AMT firmware does not support the request.' },
  [AmtStatus.INTERFACE_DOES_NOT_EXIST]: { code: 'amthi.no-interface', text: 'AMT has no such network interface on this platform.' },
};

/** A non-zero AMTHI status, as an AmtError whose message names the command and what to do. */
export class AmthiStatusError extends AmtError {
  constructor(readonly command: string, readonly status: number) {
    const known = SENTENCES[status];
    super(
      known?.code ?? 'amthi.status',
      known ? `${command}: ${known.text}` : `${command}: AMT answered with status ${statusName(status)} (0x${status.toString(16)}).`,
    );
    this.name = 'AmthiStatusError';
  }

  get statusName(): string {
    return statusName(this.status);
  }
}
