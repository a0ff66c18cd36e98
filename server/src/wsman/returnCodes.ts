/**
 * Meaning of a method's ReturnValue (spec/wsman-amt.md §2.3, §2.4). AMT_/IPS_ methods return
 * PT_STATUS codes; CIM_ methods, and the CIM methods AMT/IPS classes inherit (state changes, boot
 * configuration), return the CIM method codes; the message log has tables of its own.
 */

const AMT_STATUS: Record<number, string> = {
  0: 'SUCCESS', 1: 'INTERNAL_ERROR', 2: 'NOT_READY', 3: 'INVALID_PT_MODE', 4: 'INVALID_MESSAGE_LENGTH',
  5: 'TABLE_FINGERPRINT_NOT_AVAILABLE', 6: 'INTEGRITY_CHECK_FAILED', 7: 'UNSUPPORTED_ISVS_VERSION',
  8: 'APPLICATION_NOT_REGISTERED', 9: 'INVALID_REGISTRATION_DATA', 10: 'APPLICATION_DOES_NOT_EXIST',
  11: 'NOT_ENOUGH_STORAGE', 12: 'INVALID_NAME', 13: 'BLOCK_DOES_NOT_EXIST', 14: 'INVALID_BYTE_OFFSET',
  15: 'INVALID_BYTE_COUNT', 16: 'NOT_PERMITTED', 17: 'NOT_OWNER', 18: 'BLOCK_LOCKED_BY_OTHER',
  19: 'BLOCK_NOT_LOCKED', 20: 'INVALID_GROUP_PERMISSIONS', 21: 'GROUP_DOES_NOT_EXIST',
  22: 'INVALID_MEMBER_COUNT', 23: 'MAX_LIMIT_REACHED', 24: 'INVALID_AUTH_TYPE', 25: 'AUTHENTICATION_FAILED',
  26: 'INVALID_DHCP_MODE', 27: 'INVALID_IP_ADDRESS', 28: 'INVALID_DOMAIN_NAME', 29: 'UNSUPPORTED_VERSION',
  30: 'REQUEST_UNEXPECTED', 31: 'INVALID_TABLE_TYPE', 32: 'INVALID_PROVISIONING_STATE', 33: 'UNSUPPORTED_OBJECT',
  34: 'INVALID_TIME', 35: 'INVALID_INDEX', 36: 'INVALID_PARAMETER', 37: 'INVALID_NETMASK',
  38: 'FLASH_WRITE_LIMIT_EXCEEDED', 39: 'INVALID_IMAGE_LENGTH', 40: 'INVALID_IMAGE_SIGNATURE',
  41: 'PROPOSE_ANOTHER_VERSION', 42: 'INVALID_PID_FORMAT', 43: 'INVALID_PPS_FORMAT', 44: 'BIST_COMMAND_BLOCKED',
  45: 'CONNECTION_FAILED', 46: 'CONNECTION_TOO_MANY', 47: 'RNG_GENERATION_IN_PROGRESS', 48: 'RNG_NOT_READY',
  49: 'CERTIFICATE_NOT_READY', 1024: 'DISABLED_BY_POLICY', 2048: 'NETWORK_IF_ERROR_BASE',
  2049: 'UNSUPPORTED_OEM_NUMBER', 2050: 'UNSUPPORTED_BOOT_OPTION', 2051: 'INVALID_COMMAND',
  2052: 'INVALID_SPECIAL_COMMAND', 2053: 'INVALID_HANDLE', 2054: 'INVALID_PASSWORD', 2055: 'INVALID_REALM',
  2056: 'STORAGE_ACL_ENTRY_IN_USE', 2057: 'DATA_MISSING', 2058: 'DUPLICATE', 2059: 'EVENTLOG_FROZEN',
  2060: 'PKI_MISSING_KEYS', 2061: 'PKI_GENERATING_KEYS', 2062: 'INVALID_KEY', 2063: 'INVALID_CERT',
  2064: 'CERT_KEY_NOT_MATCH', 2065: 'MAX_KERB_DOMAIN_REACHED', 2066: 'UNSUPPORTED', 2067: 'INVALID_PRIORITY',
  2068: 'NOT_FOUND', 2069: 'INVALID_CREDENTIALS', 2070: 'INVALID_PASSPHRASE', 2072: 'NO_ASSOCIATION',
  2075: 'AUDIT_FAIL', 2076: 'BLOCKING_COMPONENT', 2081: 'USER_CONSENT_REQUIRED', 2082: 'OPERATION_IN_PROGRESS',
  // SDK-library codes (not firmware), kept so a relayed value still reads as something.
  4096: 'APP_INTERNAL_ERROR', 4097: 'NOT_INITIALIZED', 4098: 'LIB_VERSION_UNSUPPORTED', 4099: 'INVALID_PARAM',
  4100: 'RESOURCES', 4101: 'HARDWARE_ACCESS_ERROR', 4102: 'REQUESTOR_NOT_REGISTERED', 4103: 'NETWORK_ERROR',
  4104: 'PARAM_BUFFER_TOO_SHORT', 4105: 'COM_NOT_INITIALIZED_IN_THREAD', 4106: 'URL_REQUIRED',
};

const CIM_METHOD: Record<number, string> = {
  0: 'Completed with No Error',
  1: 'Not Supported',
  2: 'Unknown or Unspecified Error',
  3: 'Cannot complete within Timeout Period',
  4: 'Failed',
  5: 'Invalid Parameter',
  6: 'In Use',
  4096: 'Method Parameters Checked - Job Started',
  4097: 'Invalid State Transition',
  4098: 'Use of Timeout Parameter Not Supported',
  4099: 'Busy',
};

const MESSAGE_LOG: Record<string, Record<number, string>> = {
  GetRecords: { 0: 'Completed with No Error', 1: 'Not Supported', 2: 'Invalid record pointed', 3: 'No record exists' },
  PositionToFirstRecord: { 0: 'Completed with No Error', 1: 'Not Supported', 2: 'No record exists' },
};

/** CIM methods AMT_/IPS_ classes inherit; they answer with CIM method codes (e.g. AMT_RedirectionService.RequestStateChange). */
const INHERITED_CIM_METHODS = new Set([
  'RequestStateChange',
  'RequestPowerStateChange',
  'RequestOSPowerSavingStateChange',
  'SetBootConfigRole',
  'ChangeBootOrder',
]);

/** One readable phrase for a ReturnValue, e.g. `Invalid parameter (INVALID_PARAMETER)` or `Invalid State Transition`. */
export function returnValueMeaning(className: string, method: string, value: number): string {
  const logTable = className === 'AMT_MessageLog' ? MESSAGE_LOG[method] : undefined;
  if (logTable) return logTable[value] ?? unknown(value);
  if (className.startsWith('CIM_') || INHERITED_CIM_METHODS.has(method)) return cimMeaning(value);
  const name = AMT_STATUS[value];
  if (name === undefined) return unknown(value);
  return value === 0 ? 'Success' : `${sentenceCase(name)} (${name})`;
}

function cimMeaning(value: number): string {
  const known = CIM_METHOD[value];
  if (known) return known;
  if (value >= 4100 && value <= 32767) return `Method reserved (${value})`;
  if (value >= 32768 && value <= 65535) return `Vendor specific (${value})`;
  return unknown(value);
}

function sentenceCase(name: string): string {
  const words = name.toLowerCase().split('_');
  const keepUpper = new Set(['pt', 'isvs', 'ip', 'dhcp', 'pid', 'pps', 'bist', 'rng', 'oem', 'acl', 'pki', 'kerb', 'com', 'url']);
  const text = words.map((w) => (keepUpper.has(w) ? w.toUpperCase() : w)).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function unknown(value: number): string {
  return `Unknown return code ${value} (0x${value.toString(16).toUpperCase()})`;
}
