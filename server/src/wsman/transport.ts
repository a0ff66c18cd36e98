/**
 * How bytes reach the device: a factory of Duplex streams. TCP and TLS live here; the APF channel
 * (local MEI path) implements the same interface elsewhere.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { CancelledError, ConnectionError, TlsError } from './errors';

export interface Transport {
  /** Opens a new connection; rejects with ConnectionError, TlsError or CancelledError. */
  open(signal?: AbortSignal): Promise<Duplex>;
  /** `host:port` or a similar short description for messages. */
  describe(): string;
  /** The HTTP Host header for this target, when the transport knows it. */
  readonly hostHeader?: string;
}

export interface TlsTransportOptions {
  /** CA certificate(s) that signed the device certificate (PEM). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Accept exactly this certificate, by its SHA-256 fingerprint (`AA:BB:…`, colons and case optional). */
  trustedFingerprint256?: string;
  /** false skips verification entirely (not recommended); default true. */
  rejectUnauthorized?: boolean;
  /** Run TLS over a stream from this transport (e.g. an APF channel) instead of a new TCP connection. */
  via?: Transport;
}

export function tcpTransport(host: string, port: number): Transport {
  const target = hostPort(host, port);
  return {
    hostHeader: target,
    describe: () => target,
    // No Nagle: each request is one write, and waiting for an ACK only adds latency.
    open: (signal) => openWith(() => netConnect({ host, port, noDelay: true }), 'connect', host, port, signal),
  };
}

/**
 * TLS that verifies the certificate by default. The handshake runs with Node's own rejection off so
 * that an untrusted certificate can still be inspected: the error then prints its fingerprint,
 * which is what the user pins to trust a self-signed AMT certificate. No byte is sent before the
 * decision below.
 */
export function tlsTransport(host: string, port: number, opts: TlsTransportOptions = {}): Transport {
  const target = hostPort(host, port);
  const pinned = opts.trustedFingerprint256 ? normalizeFingerprint(opts.trustedFingerprint256) : undefined;
  const open = async (signal?: AbortSignal): Promise<Duplex> => {
    const inner = opts.via ? await opts.via.open(signal) : undefined;
    const socket = (await openWith(
      () =>
        tlsConnect({
          ...(inner ? { socket: inner, host } : { host, port }), // host: for the certificate name check
          rejectUnauthorized: false,
          ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
          ...(isIp(host) ? {} : { servername: host }),
        }),
      'secureConnect',
      host,
      port,
      signal,
    )) as TLSSocket;
    if (!inner) socket.setNoDelay(true);
    const cert = socket.getPeerCertificate();
    const fingerprint = cert?.fingerprint256 ? normalizeFingerprint(cert.fingerprint256) : undefined;
    if (pinned) {
      if (fingerprint === pinned) return socket;
      socket.destroy();
      throw new TlsError(
        'tls.pin-mismatch',
        `The TLS certificate of ${target} has SHA-256 fingerprint ${fingerprint ?? '(none)'}, not the pinned ${pinned}; the device certificate changed or the connection is intercepted, so verify the device and update the pinned fingerprint.`,
        fingerprint,
      );
    }
    if (socket.authorized || opts.rejectUnauthorized === false) return socket;
    socket.destroy();
    const why = String(socket.authorizationError ?? 'unknown reason');
    throw new TlsError(
      'tls.untrusted',
      `The TLS certificate of ${target} is not trusted (${why}); if this is your AMT device (AMT often uses a self-signed certificate), trust it by pinning its SHA-256 fingerprint ${fingerprint ?? '(unavailable)'} or by giving the CA certificate that signed it.`,
      fingerprint,
    );
  };
  return { hostHeader: target, describe: () => target, open };
}

/** `AA:BB:…` upper-case with colons, whatever form the user typed. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return hex.match(/.{1,2}/g)?.join(':') ?? '';
}

/** Turns a socket error into one sentence naming host:port and what to check. */
export function connectionError(err: NodeJS.ErrnoException, host: string, port: number): ConnectionError {
  const target = hostPort(host, port);
  const code = err.code ?? '';
  const advice: Record<string, string> = {
    ECONNREFUSED: `Connection to ${target} was refused: nothing listens on that port; check that AMT is enabled on the device and the port is right (16992 for HTTP, 16993 for TLS).`,
    EHOSTUNREACH: `${target} is unreachable: check the address and the network route to the device.`,
    ENETUNREACH: `${target} is unreachable: no network route to it; check the address and your network connection.`,
    ENOTFOUND: `The host name "${host}" could not be resolved: check its spelling or use the device's IP address.`,
    EAI_AGAIN: `The host name "${host}" could not be resolved right now (DNS did not answer): retry, or use the device's IP address.`,
    ETIMEDOUT: `Connecting to ${target} timed out: check that the device is powered and on the network and that no firewall blocks the port.`,
    ECONNRESET: `The connection to ${target} was reset by the device: retry; if it keeps happening check TLS/non-TLS port settings (16992 vs 16993).`,
    EPIPE: `The connection to ${target} was closed by the device while sending: retry the request.`,
  };
  const message = advice[code] ?? `Could not connect to ${target} (${code || err.message}): check the address, port and network.`;
  return new ConnectionError(message, target, { cause: err });
}

function openWith(
  make: () => Socket | TLSSocket,
  readyEvent: 'connect' | 'secureConnect',
  host: string,
  port: number,
  signal?: AbortSignal,
): Promise<Socket | TLSSocket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const socket = make();
    const cleanup = () => {
      socket.off(readyEvent, onReady);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onReady = () => {
      cleanup();
      resolve(socket);
    };
    const onError = (err: Error) => {
      cleanup();
      socket.destroy();
      reject(isTlsFailure(err) ? tlsHandshakeError(err, host, port) : connectionError(err as NodeJS.ErrnoException, host, port));
    };
    const onAbort = () => {
      cleanup();
      socket.destroy();
      reject(abortReason(signal!));
    };
    socket.once(readyEvent, onReady);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The signal's reason when it is one of ours (an AmtError such as TimeoutError), else CancelledError. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error && typeof (reason as { code?: unknown }).code === 'string' ? reason : new CancelledError();
}

function isTlsFailure(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL|TLS|handshake/i.test(err.message);
}

function tlsHandshakeError(err: Error, host: string, port: number): TlsError {
  return new TlsError(
    'tls.handshake',
    `The TLS handshake with ${hostPort(host, port)} failed (${err.message}); check that the port speaks TLS (16993) and that the device's TLS settings allow this client.`,
    undefined,
    { cause: err },
  );
}

function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}
