/**
 * The embedded AMT simulator: one SimDevice, its WS-Man service and its HTTP(S) front on a port.
 * Several run side by side in one process; all state lives in each simulator's SimDevice.
 * See README.md for the default account, ports and what is served.
 */
import type { Duplex } from 'node:stream';
import { SimDevice } from './device';
import { attachMei, type AttachedMei, type AttachMeiOptions } from './firmware/attach';
import { createHttpFront } from './http-server';
import { WsmanService } from './wsman-service';

/** The documented default admin account of a simulated device (README.md). */
export const DEFAULT_ACCOUNT = { user: 'admin', password: 'P@ssw0rd' } as const;

export interface SimulatorOptions {
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
}

export interface Simulator {
  /** `http://HOST:PORT/wsman` (https with `tls`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly device: SimDevice;
  /** The emulated MEI device, when started with `mei`. */
  readonly mei?: AttachedMei;
  /** Feeds any Duplex (e.g. an APF channel) into the same HTTP service. */
  handleConnection(stream: Duplex): void;
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
  });
  const front = createHttpFront(device, new WsmanService(device), options.tls);
  await new Promise<void>((resolve, reject) => {
    front.server.once('error', reject);
    front.server.listen(options.port ?? 16992, host, () => {
      front.server.off('error', reject);
      resolve();
    });
  });
  const address = front.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 16992);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const handleConnection = (stream: Duplex) => front.feed(stream);
  let mei: AttachedMei | undefined;
  if (options.mei) {
    try {
      mei = await attachMei({ device, handleConnection }, options.mei);
    } catch (err) {
      await front.close();
      throw err;
    }
  }
  let closed: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}/wsman`,
    host,
    port,
    device,
    ...(mei ? { mei } : {}),
    handleConnection,
    // dispose() stops the device's firmware timer and event-delivery retries.
    close: () => (closed ??= Promise.all([mei?.close(), front.close()]).then(() => device.dispose())),
  };
}

export { SimDevice } from './device';
export { attachMei, type AttachedMei, type AttachMeiOptions } from './firmware/attach';
