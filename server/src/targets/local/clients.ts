/**
 * WS-Man clients for AMT on this machine: over our own APF session (`local`) or through an
 * installed LMS on 127.0.0.1 (`lms`). Without a password both use AMT's local system account,
 * read from AMTHI over the MEI device (AMTHI stays reachable while LMS holds the LME client).
 */
import type { LocalSystemAccount } from '../../amthi';
import { WsmanClient, type WsmanClientOptions } from '../../wsman/client';
import { tcpTransport, tlsTransport, type TlsTransportOptions } from '../../wsman/transport';
import { readLocalSystemAccount } from './account';
import type { LocalApf, MeiOpen } from './apf';
import { resetTolerantClient } from './retry';
import { apfTransport } from './transport';

export interface LocalCredentials {
  user: string;
  password: string;
}

interface Common {
  /** Given credentials; absent = the local system account from AMTHI. */
  credentials?: LocalCredentials;
  /** TLS (16993) with these trust settings; plain HTTP (16992) when absent. */
  tls?: Omit<TlsTransportOptions, 'via'>;
  timeoutMs?: number;
  trace?: WsmanClientOptions['trace'];
  onOutcome?: WsmanClientOptions['onOutcome'];
}

/** WS-Man over our APF session, with the reset policy of retry.ts. */
export function localClient(apf: LocalApf, options: Common & { onRetry?: (what: string) => void } = {}): WsmanClient {
  return resetTolerantClient({
    session: (signal) => apf.session(signal),
    lost: (session) => apf.lost(session),
    client: async (session, signal) => {
      const { user, password } = options.credentials ?? accountCredentials(await readLocalSystemAccount(apf.open, apf.where, signal));
      return new WsmanClient({
        transport: apfTransport(session, options.tls ? { tls: options.tls } : {}),
        user,
        password,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.trace ? { trace: options.trace } : {}),
        ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
      });
    },
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
}

export interface LmsEndpoint {
  host: string;
  port: number;
}

/** WS-Man through an installed LMS: plain TCP (or TLS) to its local port. */
export async function lmsClient(
  endpoint: LmsEndpoint,
  account: { open: MeiOpen; where: string },
  options: Common & { signal?: AbortSignal } = {},
): Promise<WsmanClient> {
  const { user, password } = options.credentials ?? accountCredentials(await readLocalSystemAccount(account.open, account.where, options.signal));
  const transport = options.tls ? tlsTransport(endpoint.host, endpoint.port, options.tls) : tcpTransport(endpoint.host, endpoint.port);
  return new WsmanClient({
    transport,
    user,
    password,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  });
}

function accountCredentials(account: LocalSystemAccount): LocalCredentials {
  return { user: account.username, password: account.password };
}
