/** How each kind of target is described when it is added to the registry. */
import type { LocalKind } from './local/target';
import type { MpsClient } from './mps';

export interface SimTargetSpec {
  kind: 'sim';
  id?: string;
  label?: string;
  /** 127.0.0.1 unless given. */
  host?: string;
  /** 0 (any free port) unless given. */
  port?: number;
  /** The simulated device's account; DEFAULT_ACCOUNT unless given. */
  user?: string;
  password?: string;
}

export interface RemoteTargetSpec {
  kind: 'remote';
  id?: string;
  label?: string;
  /** `http://host[:16992]` or `https://host[:16993]`; a `/wsman` path is accepted and ignored. */
  url: string;
  /** Default user for this device (credentials passed to connect() may name another). */
  user: string;
  /** Trust exactly the certificate with this SHA-256 fingerprint (hex, colons optional). */
  trustedFingerprint256?: string;
  /** PEM CA certificate(s) to trust for https. */
  ca?: string;
  /** False to accept any certificate (https only; for lab use). */
  rejectUnauthorized?: boolean;
  /** The redirection port (SOL, IDE-R); 16994, or 16995 when the URL is https, unless given. */
  redirectionPort?: number;
}

/** AMT on this machine: `local` (own APF over MEI), `lms` (installed LMS), `auto` (see detect.ts). */
export interface LocalTargetSpec {
  kind: LocalKind;
  id?: string;
  label?: string;
  /** MEI device file; default the first of /dev/mei0 … /dev/mei3 with the firmware client. */
  meiPath?: string;
  /** lms/auto: where the LMS listens; default 127.0.0.1:16992 (16993 with TLS). */
  lmsHost?: string;
  lmsPort?: number;
  /** Default user when credentials carry a password but no user; default admin. */
  user?: string;
  /** Use TLS (AMT port 16993). */
  tls?: boolean;
  trustedFingerprint256?: string;
  ca?: string;
  rejectUnauthorized?: boolean;
}

/** A device behind Intel's MPS (CIRA): WS-Man and redirection through MPS's websocket relay (targets/mps.ts). */
export interface MpsTargetSpec {
  kind: 'mps';
  id?: string;
  label?: string;
  /** The device GUID MPS lists. */
  guid: string;
  /** The MPS client of that server, read at each connect (a new log-in replaces it). */
  server: () => MpsClient;
  /** The AMT user for WS-Man through the relay; default admin. */
  user?: string;
}

export type TargetSpec = SimTargetSpec | RemoteTargetSpec | LocalTargetSpec | MpsTargetSpec;

