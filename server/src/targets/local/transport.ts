/**
 * A WS-Man Transport over one APF session: every open() is a new `forwarded-tcpip` channel to
 * AMT's port 16992 (or TLS over a channel to 16993), as LMS does for each local TCP connection.
 *
 * The transport is bound to ONE session on purpose. After a firmware reset the session is dead and
 * open() fails with its error, so HttpConnection's "stale keep-alive, resend once" path can never
 * carry a request over to a fresh session behind the caller's back: whether a request may be
 * repeated after a reset is decided only by the retry policy (retry.ts).
 */
import type { ApfSession } from '../../apf';
import { tlsTransport, type TlsTransportOptions, type Transport } from '../../wsman/transport';

export const AMT_HTTP_PORT = 16992;
export const AMT_TLS_PORT = 16993;

export interface ApfTransportOptions {
  /** TLS to 16993 with these trust settings; plain HTTP to 16992 when absent. */
  tls?: Omit<TlsTransportOptions, 'via'>;
}

export function apfTransport(session: ApfSession, options: ApfTransportOptions = {}): Transport {
  const port = options.tls ? AMT_TLS_PORT : AMT_HTTP_PORT;
  const channel: Transport = {
    // LMS clients address AMT as 127.0.0.1 (spec protocols.md §6); AMT checks nothing more.
    hostHeader: `127.0.0.1:${port}`,
    describe: () => `AMT on this machine (MEI, port ${port})`,
    open: (signal) => session.openChannel({ port, ...(signal ? { signal } : {}) }),
  };
  if (!options.tls) return channel;
  const tls = tlsTransport('127.0.0.1', port, { ...options.tls, via: channel });
  return { hostHeader: channel.hostHeader, describe: channel.describe, open: (signal) => tls.open(signal) };
}
