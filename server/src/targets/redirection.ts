/**
 * A stream to a target's redirection service (SOL, IDE-R): TCP to 16994, TLS to 16995 with the same
 * certificate trust as the target's WS-Man (fingerprint pin, CA, rejectUnauthorized), the embedded
 * simulator's redirection port, or for AMT on this machine a `forwarded-tcpip` APF channel to port
 * 16994 over our own APF session (or TCP to an installed LMS, which forwards the same port).
 *
 * Connection refused on the redirection port is turned into the one sentence that says the
 * listener is off; other socket and TLS failures keep the transport's own sentences.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { AmtError } from '../errors';
import type { Simulator } from '../sim';
import type { WsmanClient } from '../wsman/client';
import { ConnectionError } from '../wsman/errors';
import { tcpTransport, tlsTransport, type TlsTransportOptions, type Transport } from '../wsman/transport';
import { listenerOffSentence } from '../features/redirection/refusals';
import type { LogOn } from '../features/redirection/session';
import { readLocalSystemAccount } from './local/account';
import type { LocalTarget } from './local/target';

export const REDIRECTION_PORT = 16994;
export const REDIRECTION_TLS_PORT = 16995;

export type RedirectionEndpoint =
  | { via: 'tcp'; host: string; port: number; tls?: Omit<TlsTransportOptions, 'via'>; label: string; credentials?: LogOn }
  | { via: 'sim'; host: string; sim: Simulator; label: string; credentials: LogOn }
  | { via: 'local'; local: LocalTarget; label: string; credentials?: LogOn }
  /** The target opens the stream itself (a device behind MPS: its websocket relay to 16994). */
  | { via: 'stream'; open: (signal?: AbortSignal) => Promise<Duplex>; route: string; label: string; credentials: LogOn };

export interface OpenedRedirection {
  stream: Duplex;
  /** How it reached the device, e.g. `TCP 127.0.0.1:16994`, `TLS …:16995`, `local APF channel`. */
  route: string;
  /** The account to log on with. */
  credentials: LogOn;
}

export async function openRedirection(endpoint: RedirectionEndpoint, signal?: AbortSignal): Promise<OpenedRedirection> {
  if (endpoint.via === 'local') return openLocal(endpoint, signal);
  if (endpoint.via === 'stream') return { stream: await endpoint.open(signal), route: endpoint.route, credentials: endpoint.credentials };
  let host: string;
  let port: number;
  let tls: Omit<TlsTransportOptions, 'via'> | undefined;
  if (endpoint.via === 'sim') {
    const ports = endpoint.sim;
    if (!ports.redirectionPort) throw new AmtError('redir.unsupported', `${endpoint.label} has no redirection service in this build; update AMT Workbench.`);
    host = endpoint.host;
    port = ports.redirectionPort;
  } else {
    ({ host, port } = endpoint);
    tls = endpoint.tls;
  }
  const credentials = endpoint.credentials;
  if (!credentials?.password) throw new AmtError('auth.missing', `No password was given for the redirection session on ${endpoint.label}; enter the AMT password of an account with the Redirection realm.`);
  const transport = tls ? tlsTransport(host, port, tls) : tcpTransport(host, port);
  const stream = await openMapped(transport, endpoint.label, port, signal);
  return { stream, route: `${tls ? 'TLS' : 'TCP'} ${transport.describe()}`, credentials };
}

async function openLocal(endpoint: Extract<RedirectionEndpoint, { via: 'local' }>, signal?: AbortSignal): Promise<OpenedRedirection> {
  const { local } = endpoint;
  const credentials = endpoint.credentials ?? await localAccount(local, signal);
  const tls = local.config.tls;
  const port = tls ? REDIRECTION_TLS_PORT : REDIRECTION_PORT;
  if (local.route === 'lms') {
    const { host } = local.lmsEndpoint;
    const transport = tls ? tlsTransport(host, port, tls) : tcpTransport(host, port);
    return { stream: await openMapped(transport, endpoint.label, port, signal), route: `${tls ? 'TLS' : 'TCP'} ${transport.describe()} (LMS)`, credentials };
  }
  const session = await local.apf.session(signal);
  // LMS clients address AMT as 127.0.0.1; TLS runs inside the channel, as for WS-Man (local/transport.ts).
  const channel: Transport = { describe: () => `AMT on this machine (MEI, port ${port})`, open: (s) => session.openChannel({ port, ...(s ? { signal: s } : {}) }) };
  try {
    const stream = tls ? await tlsTransport('127.0.0.1', port, { ...tls, via: channel }).open(signal) : await channel.open(signal);
    return { stream, route: tls ? 'local APF channel (TLS)' : 'local APF channel', credentials };
  } catch (err) {
    if (err instanceof AmtError && (err.code === 'apf.not-forwarded' || err.code === 'apf.open-failed')) {
      throw new AmtError('redir.listener-off', listenerOffSentence(endpoint.label, port), { cause: err });
    }
    throw err;
  }
}

async function localAccount(local: LocalTarget, signal?: AbortSignal): Promise<LogOn> {
  const account = await readLocalSystemAccount(local.open, local.apf.where, signal);
  return { user: account.username, password: account.password };
}

async function openMapped(transport: Transport, label: string, port: number, signal?: AbortSignal): Promise<Duplex> {
  try {
    return await transport.open(signal);
  } catch (err) {
    const code = ((err as ConnectionError).cause as NodeJS.ErrnoException | undefined)?.code;
    if (err instanceof ConnectionError && code === 'ECONNREFUSED') {
      throw new AmtError('redir.listener-off', listenerOffSentence(label, port), { cause: err });
    }
    if (err instanceof AmtError && err.code === 'tls.handshake') {
      const why = ((err.cause as Error | undefined)?.message ?? 'no detail').replace(/\.$/, '');
      throw new AmtError('tls.handshake', `The TLS handshake with ${label} on its redirection port ${port} failed (${why}); check that the port speaks TLS (16995, or 16994 without) and that the device's TLS settings allow this client.`, { cause: err });
    }
    throw err;
  }
}

/** What features/redirection/connect.ts needs of a target: a way in, and its WS-Man client to explain refusals. */
export interface RedirectionTargetOf {
  label: string;
  open(signal?: AbortSignal): Promise<OpenedRedirection>;
  wsman(signal?: AbortSignal): Promise<WsmanClient>;
  /** The device refused this log-on: it is not sent again (per registry) until other credentials are given. */
  refused(credentials: LogOn): void;
}

type RedirectionRegistry = {
  redirectionEndpoint(id: string, c?: { user?: string; password?: string }): Promise<RedirectionEndpoint>;
  connect(id: string, c?: { user?: string; password?: string }, s?: AbortSignal): Promise<WsmanClient>;
  info(id: string): { label: string };
};

/** Per registry, the redirection log-ons a device refused, as salted hashes only (as targets/passwords.ts keeps WS-Man's). */
const refusedLogOns = new WeakMap<object, { salt: Buffer; keys: Set<string> }>();

function logOnKey(registry: object, id: string, c: LogOn): { keys: Set<string>; key: string } {
  let book = refusedLogOns.get(registry);
  if (!book) refusedLogOns.set(registry, (book = { salt: randomBytes(16), keys: new Set() }));
  return { keys: book.keys, key: createHash('sha256').update(book.salt).update(`${id}\0${c.user}\0${c.password}`).digest('hex') };
}

/** The target `id` of a registry, with the credentials given (or the target's own account). */
export function redirectionTarget(registry: RedirectionRegistry, id: string, credentials?: { user?: string; password?: string }): RedirectionTargetOf {
  const label = registry.info(id).label;
  return {
    label,
    open: async (signal) => {
      const endpoint = await registry.redirectionEndpoint(id, credentials);
      if (endpoint.credentials) {
        const { keys, key } = logOnKey(registry, id, endpoint.credentials);
        if (keys.has(key)) {
          throw new AmtError('auth.rejected', `${label} refused this password for ${endpoint.credentials.user} on its redirection port before, so it was not sent again (AMT locks the account after repeated failures); enter the correct password.`);
        }
      }
      return openRedirection(endpoint, signal);
    },
    wsman: (signal) => registry.connect(id, credentials, signal),
    refused: (c) => {
      const { keys, key } = logOnKey(registry, id, c);
      keys.add(key);
    },
  };
}
