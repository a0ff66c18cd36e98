/**
 * The device's TLS port (AMT serves WS-Man over TLS on 16993, plain on 16992): an HTTPS front on
 * the same WS-Man service, presenting the device's self-signed certificate until CommitChanges
 * puts a configured one in force. Plain connections are reset once the TLS settings refuse them
 * (AcceptNonSecureConnections false): the remote setting governs TCP connections, the local (LMS)
 * setting governs streams fed in from the host side (APF channels).
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { SimDevice } from '../device';
import type { HttpFront } from '../http-server';
import { onCommit } from './commit';
import { securityState, tlsIdentity } from './state';

export interface TlsPort {
  /** The HTTPS front, made on first use (the default key is generated then). */
  front(): HttpFront;
  close(): Promise<void>;
}

export function attachTls(device: SimDevice, plain: HttpFront, makeFront: (tls: { key: string; cert: string }) => HttpFront): TlsPort {
  let tlsFront: HttpFront | undefined;
  const front = () => (tlsFront ??= makeFront(tlsIdentity(device)));
  onCommit(device, () => {
    if (tlsFront && 'setSecureContext' in tlsFront.server) tlsFront.server.setSecureContext(tlsIdentity(device));
  });
  plain.server.prependListener('connection', (stream: Duplex) => {
    const tls = securityState(device).tls;
    const accepts = stream instanceof net.Socket ? tls.remoteAcceptsPlain : tls.localAcceptsPlain;
    if (accepts) return;
    if (stream instanceof net.Socket) stream.resetAndDestroy();
    else stream.destroy();
  });
  return { front, close: () => tlsFront?.close() ?? Promise.resolve() };
}
