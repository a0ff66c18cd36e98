/**
 * `auto`: how to reach AMT on this machine. The order, documented in docs/local-access.md:
 *
 * 1. something already listens on 127.0.0.1:16992 → use it (`lms`). An installed Intel LMS holds
 *    the LME client, so our own APF session could not start anyway (EBUSY or a stalled handshake),
 *    and going through it keeps every other AMT tool on the machine working.
 * 2. else our own APF session over the MEI device's LME client (`local`).
 * 3. else one error naming both attempts and why each failed.
 */
import { connect } from 'node:net';
import { AmtError } from '../../errors';
import type { LocalApf } from './apf';
import type { LmsEndpoint } from './clients';

export const LMS_ENDPOINT: LmsEndpoint = { host: '127.0.0.1', port: 16992 };
const PROBE_TIMEOUT_MS = 1000;

export type LocalRoute = 'lms' | 'local';

export async function detectLocalRoute(options: {
  lms?: LmsEndpoint;
  apf: LocalApf;
  signal?: AbortSignal;
  probeTimeoutMs?: number;
}): Promise<LocalRoute> {
  const lms = options.lms ?? LMS_ENDPOINT;
  const lmsWhy = await probe(lms, options.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
  if (lmsWhy === undefined) return 'lms';
  let meiWhy: string;
  try {
    await options.apf.session(options.signal);
    return 'local';
  } catch (err) {
    if (err instanceof AmtError && err.code === 'cancelled') throw err;
    meiWhy = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
  }
  throw new AmtError(
    'target.unavailable',
    `AMT on this machine could not be reached. Tried: (1) an installed LMS at ${lms.host}:${lms.port}: ${lmsWhy}; ` +
      `(2) our own port forwarding over the MEI device ${options.apf.where}: ${meiWhy}. ` +
      'Start Intel LMS, or give this program access to the MEI device (docs/local-access.md), or connect to the device over the network.',
  );
}

/** Resolves undefined when a TCP connection succeeds, else why it did not. */
function probe(endpoint: LmsEndpoint, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const done = (why?: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done());
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code === 'ECONNREFUSED' ? 'nothing listens there (connection refused)' : `the connection failed (${err.code ?? err.message})`));
  });
}
