/**
 * Opening a SOL or IDE-R session on a target: the stream (targets/redirection.ts), the handshake,
 * and — when the device refuses — one sentence from the device's WS-Man state saying why
 * (refusals.ts). The target is given as an interface so features know nothing of the registry.
 */
import type { Duplex } from 'node:stream';
import { AmtError } from '../../errors';
import type { LogOn } from './session';
import { RedirectionLink } from './session';
import { explainRefusal, type SessionKind } from './refusals';
import type { WsmanClient } from '../../wsman/client';
import { SolSession, type SolOptions } from './sol';
import { IderSession, type IderOptions } from './ider';

export interface RedirectionTarget {
  label: string;
  open(signal?: AbortSignal): Promise<{ stream: Duplex; route: string; credentials: LogOn }>;
  wsman?(signal?: AbortSignal): Promise<WsmanClient>;
}

/** Opens the link and runs `start` on it; a refusal is explained from the device's state. */
export async function withRefusalExplained<T>(target: RedirectionTarget, kind: SessionKind, start: (link: RedirectionLink, credentials: LogOn) => Promise<T>, signal?: AbortSignal): Promise<{ session: T; route: string }> {
  const opened = await target.open(signal);
  const link = new RedirectionLink(opened.stream, target.label);
  try {
    return { session: await start(link, opened.credentials), route: opened.route };
  } catch (err) {
    link.close();
    if (err instanceof AmtError && (err.code === 'redir.refused' || err.code === 'redir.unsupported')) {
      const client = target.wsman ? await target.wsman(signal).catch(() => undefined) : undefined;
      throw await explainRefusal(err, kind, target.label, client, signal);
    }
    throw err;
  }
}

export function openSol(target: RedirectionTarget, options: Omit<SolOptions, 'credentials'> = {}, signal?: AbortSignal): Promise<{ session: SolSession; route: string }> {
  return withRefusalExplained(target, 'SOL', (link, credentials) => SolSession.open(link, { ...options, credentials }), signal);
}

export function openIder(target: RedirectionTarget, options: Omit<IderOptions, 'credentials'>, signal?: AbortSignal): Promise<{ session: IderSession; route: string }> {
  return withRefusalExplained(target, 'IDE-R', (link, credentials) => IderSession.open(link, { ...options, credentials }), signal);
}
