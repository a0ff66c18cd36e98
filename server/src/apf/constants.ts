/**
 * APF (AMT Port Forwarding) numbers and names — spec/protocols.md §4.2 and §4.3. The numbering
 * follows the SSH connection protocol; APF adds PROTOCOLVERSION (192) and the keep-alives (208–211).
 */

/** The LME firmware client that speaks APF (docs/wire-notes.md). */
export const LME_GUID = '6733a4db-0476-4e7b-b3af-bcfc29bee7a7';

export const MessageType = {
  DISCONNECT: 1,
  SERVICE_REQUEST: 5,
  SERVICE_ACCEPT: 6,
  USERAUTH_REQUEST: 50,
  USERAUTH_FAILURE: 51,
  USERAUTH_SUCCESS: 52,
  GLOBAL_REQUEST: 80,
  REQUEST_SUCCESS: 81,
  REQUEST_FAILURE: 82,
  CHANNEL_OPEN: 90,
  CHANNEL_OPEN_CONFIRMATION: 91,
  CHANNEL_OPEN_FAILURE: 92,
  CHANNEL_WINDOW_ADJUST: 93,
  CHANNEL_DATA: 94,
  CHANNEL_CLOSE: 97,
  PROTOCOLVERSION: 192,
  KEEPALIVE_REQUEST: 208,
  KEEPALIVE_REPLY: 209,
  KEEPALIVE_OPTIONS_REQUEST: 210,
  KEEPALIVE_OPTIONS_REPLY: 211,
} as const;

export const DisconnectReason = {
  HOST_NOT_ALLOWED_TO_CONNECT: 1,
  PROTOCOL_ERROR: 2,
  KEY_EXCHANGE_FAILED: 3,
  RESERVED: 4,
  MAC_ERROR: 5,
  COMPRESSION_ERROR: 6,
  SERVICE_NOT_AVAILABLE: 7,
  PROTOCOL_VERSION_NOT_SUPPORTED: 8,
  HOST_KEY_NOT_VERIFIABLE: 9,
  CONNECTION_LOST: 10,
  BY_APPLICATION: 11,
  TOO_MANY_CONNECTIONS: 12,
  AUTH_CANCELLED_BY_USER: 13,
  NO_MORE_AUTH_METHODS_AVAILABLE: 14,
  ILLEGAL_USER_NAME: 15,
} as const;

export const OpenFailureReason = {
  ADMINISTRATIVELY_PROHIBITED: 1,
  CONNECT_FAILED: 2,
  UNKNOWN_CHANNEL_TYPE: 3,
  RESOURCE_SHORTAGE: 4,
} as const;

export const TriggerReason = {
  USER_INITIATED_REQUEST: 1,
  ALERT_REQUEST: 2,
  HIT_PROVISIONING_REQUEST: 3,
  PERIODIC_REQUEST: 4,
  LME_REQUEST: 254,
} as const;

export const Service = { PFWD: 'pfwd@amt.intel.com', AUTH: 'auth@amt.intel.com' } as const;

export const GlobalRequestName = {
  TCPIP_FORWARD: 'tcpip-forward',
  CANCEL_TCPIP_FORWARD: 'cancel-tcpip-forward',
  UDP_SEND_TO: 'udp-send-to@amt.intel.com',
} as const;

export const ChannelType = { FORWARDED_TCPIP: 'forwarded-tcpip', DIRECT_TCPIP: 'direct-tcpip' } as const;

/** Bytes of CHANNEL_DATA framing (type, recipient, length): payload per message = max − 9. */
export const CHANNEL_DATA_HEADER = 9;

/** Reverse lookup for messages and traces: 2 → 'PROTOCOL_ERROR'. */
export function nameOf(table: Record<string, number>, value: number): string {
  for (const [name, v] of Object.entries(table)) if (v === value) return name;
  return `unknown (${value})`;
}
