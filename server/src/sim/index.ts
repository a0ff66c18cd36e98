/**
 * The embedded AMT simulator: one SimDevice, its WS-Man service and its HTTP(S) front on a port.
 * Several run side by side in one process; all state lives in each simulator's SimDevice.
 * See README.md for the default account, ports and what is served.
 */
import type { Duplex } from 'node:stream';
import { SimDevice } from './device';
import { attachMei, type AttachedMei, type AttachMeiOptions } from './firmware/attach';
import { createHttpFront, type HttpFront } from './http-server';
import { LEGACY_FIRMWARE, type LegacyModel } from './legacy/eoi';
import { legacyTakeOver } from './legacy/front';
import type { ModelOptions } from './models';
import { startHostTraffic } from './system-defense/host-traffic';
import { attachTls } from './security/front';
import { RedirectionService } from './redirection/service';
import { RfbPort } from './kvm/rfb-port';
import { WsmanService } from './wsman-service';
import { enterPreProvisioning } from './classes/setup-service';
import { trustProvisioningRoot, type TrustedRoot } from './classes/provisioning-trust';

/** The documented default admin account of a simulated device (README.md). */
export const DEFAULT_ACCOUNT = { user: 'admin', password: 'P@ssw0rd' } as const;

export interface SimulatorOptions extends ModelOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** TCP port; default 16992 (AMT's HTTP port); 0 picks any free port. */
  port?: number;
  user?: string;
  password?: string;
  /** Serve HTTPS with this key and certificate (as AMT does on 16993). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Device name; a named device keeps the same UUID and Digest realm across runs. */
  name?: string;
  /** Device UUID (overrides the one derived from `name`), e.g. the one a state file kept. */
  uuid?: string;
  /** Enumeration contexts lapse after this much device-clock time without use; default 60000. */
  enumerationContextTtlMs?: number;
  /** Generated CIM_SoftwareIdentity entries, for large enumerations; default 0. */
  extraSoftwareIdentities?: number;
  /** Also expose the device through an emulated MEI device file (needs root and /dev/fuse). */
  mei?: AttachMeiOptions;
  /** Also serve WS-Man over TLS on this port, as AMT does on 16993 (0 = any free port). */
  tlsPort?: number;
  /** The simulated host OS's login on its serial console (SOL); default root / amt. */
  hostUser?: string;
  hostPassword?: string;
  /** Real-time ms between paced host console lines (POST, boot messages); default 100. */
  hostLineDelayMs?: number;
  /** Serve the redirection service (SOL, IDE-R) on this TCP port, as AMT does on 16994 (0 = any free port). */
  redirectionPort?: number;
  /** Serve the redirection service over TLS on this port, as AMT does on 16995 (0 = any free port). */
  redirectionTlsPort?: number;
  /** Accept redirection log-ons with the password in clear (type 1), as AMT before 7.0 or with MEBx's legacy option. */
  redirectionBasicAuth?: boolean;
  /** Serve standard RFB (VNC authentication) on this port, as AMT does on 5900 when Is5900PortEnabled (0 = any free port). */
  rfbPort?: number;
  /** Simulate the host's own network traffic (DNS, HTTPS, ARP, ping) so System Defense filters match; default false. */
  hostTraffic?: boolean;
  /** Start out of the box: pre-provisioning (control mode 0), waiting for a local agent to activate it. */
  unprovisioned?: boolean;
  /** Provisioning roots (SHA-256 of the root certificate) AdminSetup trusts besides the built-in ones. */
  trustedRoots?: TrustedRoot[];
  /** A device older than AMT 6.0: the legacy SOAP services instead of /wsman (legacy/front.ts; `--model amt5`). */
  legacy?: LegacyModel;
}

export interface Simulator {
  /** `http://HOST:PORT/wsman` (https with `tls`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly device: SimDevice;
  /** The emulated MEI device, when started with `mei`. */
  readonly mei?: AttachedMei;
  /** The TLS port, when started with `tlsPort`. */
  readonly tlsPort?: number;
  /** The redirection port (16994's role), when started with `redirectionPort`. */
  readonly redirectionPort?: number;
  /** The redirection TLS port (16995's role), when started with `redirectionTlsPort`. */
  readonly redirectionTlsPort?: number;
  /** The redirection service (SOL, IDE-R); it also serves APF channels to 16994/16995. */
  readonly redirection: RedirectionService;
  /** Port 5900's role (standard RFB), when started with `rfbPort`. */
  readonly rfb?: RfbPort;
  /** Feeds any Duplex (e.g. an APF channel) into the same service; AMT port 16993 gets the TLS front, 16994/16995 the redirection service. */
  handleConnection(stream: Duplex, amtPort?: number): void;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const device = new SimDevice({
    name: options.name,
    uuid: options.uuid,
    user: options.user ?? DEFAULT_ACCOUNT.user,
    password: options.password ?? DEFAULT_ACCOUNT.password,
    enumerationContextTtlMs: options.enumerationContextTtlMs,
    extraSoftwareIdentities: options.extraSoftwareIdentities,
    model: options.legacy ? 'desktop' : options.model,
    amt: options.amt,
    ...(options.legacy ? { firmwareVersion: LEGACY_FIRMWARE[options.legacy].version, firmwareBuild: '' } : {}),
    hostUser: options.hostUser,
    hostPassword: options.hostPassword,
    hostLineDelayMs: options.hostLineDelayMs,
  });
  if (options.hostTraffic) startHostTraffic(device);
  if (options.unprovisioned) enterPreProvisioning(device);
  for (const root of options.trustedRoots ?? []) trustProvisioningRoot(device, root);
  const service = new WsmanService(device);
  const takeOver = options.legacy ? legacyTakeOver(device, options.legacy) : undefined;
  const front = createHttpFront(device, service, options.tls, takeOver);
  const tls = attachTls(device, front, (identity) => createHttpFront(device, service, identity, takeOver));
  const port = await listen(front, options.port ?? 16992, host);
  const tlsPort = options.tlsPort === undefined ? undefined : await listen(tls.front(), options.tlsPort, host);
  const redirection = new RedirectionService(device, {
    host, port: options.redirectionPort, tlsPort: options.redirectionTlsPort, basicAuth: options.redirectionBasicAuth,
  });
  const rfb = options.rfbPort === undefined ? undefined : new RfbPort(device);
  try {
    await redirection.start();
    await rfb?.listen(options.rfbPort!, host);
  } catch (err) {
    await Promise.all([front.close(), tls.close(), redirection.close(), rfb?.close()]);
    throw err;
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const handleConnection = (stream: Duplex, amtPort?: number) => {
    if (amtPort === 16994 || amtPort === 16995) return redirection.handleConnection(stream, amtPort);
    (amtPort === 16993 && !options.tls ? tls.front() : front).feed(stream);
  };
  let mei: AttachedMei | undefined;
  if (options.mei) {
    try {
      mei = await attachMei({ device, handleConnection }, options.mei);
    } catch (err) {
      await Promise.all([front.close(), redirection.close()]);
      throw err;
    }
  }
  let closed: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}/wsman`,
    host,
    port,
    ...(tlsPort !== undefined ? { tlsPort } : {}),
    ...(redirection.port !== undefined ? { redirectionPort: redirection.port } : {}),
    ...(redirection.tlsPort !== undefined ? { redirectionTlsPort: redirection.tlsPort } : {}),
    redirection,
    ...(rfb ? { rfb } : {}),
    device,
    ...(mei ? { mei } : {}),
    handleConnection,
    // dispose() stops the device's firmware timer and event-delivery retries.
    close: () => (closed ??= Promise.all([mei?.close(), redirection.close(), rfb?.close(), front.close(), tls.close()]).then(() => device.dispose())),
  };
}

async function listen(front: HttpFront, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    front.server.once('error', reject);
    front.server.listen(port, host, () => {
      front.server.off('error', reject);
      resolve();
    });
  });
  const address = front.server.address();
  return typeof address === 'object' && address ? address.port : port;
}

export { SimDevice } from './device';
export { attachMei, type AttachedMei, type AttachMeiOptions } from './firmware/attach';
export { describeEntry as describeRedirectionEntry, redirectionHistory, type SessionEntry as RedirectionEntry } from './redirection/logs';
export { trustProvisioningRoot, type TrustedRoot } from './classes/provisioning-trust';
