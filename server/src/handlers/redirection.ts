/**
 * amt/sol/* and amt/ider/*: SOL and IDE-R sessions of the targets (features/redirection/). Bytes
 * travel base64 in notifications; IDE-R progress is sent at most four times a second, and once
 * when the session ends. Every session is closed when the backend shuts down.
 */
import { randomUUID } from 'node:crypto';
import { AmtError } from '../errors';
import { openSol, serveImages, type RedirectionTarget } from '../features/redirection/connect';
import type { IderCounters, IderSession } from '../features/redirection/ider';
import type { SolSession } from '../features/redirection/sol';
import { RedirectionNotifications, RedirectionRequests, type IderProgress, type TargetParams } from '../protocol';
import { redirectionTarget } from '../targets/redirection';
import type { HandlerHost } from './host';

const PROGRESS_EVERY_MS = 250;

export interface RedirectionHandlers {
  dispose(): Promise<void>;
}

export function registerRedirectionHandlers(host: HandlerHost): RedirectionHandlers {
  const sol = new Map<string, SolSession>();
  const ider = new Map<string, IderSession>();

  const target = (p: TargetParams): RedirectionTarget => {
    const registry = host.registry;
    if (!registry.redirectionEndpoint) throw new AmtError('internal', 'This backend has no redirection transport; restart AMT Workbench.');
    return redirectionTarget({ redirectionEndpoint: registry.redirectionEndpoint.bind(registry), connect: registry.connect.bind(registry), info: registry.info.bind(registry) }, p.targetId, p.credentials);
  };
  const unknown = (id: string) => new AmtError('redir.unknown-session', `There is no open redirection session "${id}"; it has ended, so open a new one.`);

  host.handle(RedirectionRequests.solOpen, async (p, signal) => {
    const { session, route } = await openSol(target(p), {}, signal);
    const sessionId = randomUUID();
    sol.set(sessionId, session);
    session.on('data', (bytes: Buffer) => host.notify(RedirectionNotifications.solOutput, { sessionId, data: bytes.toString('base64') }));
    session.once('ended', (reason?: string) => {
      sol.delete(sessionId);
      host.notify(RedirectionNotifications.solEnded, { sessionId, ...(reason ? { reason } : {}) });
    });
    return { sessionId, route, hostPowered: session.hostPowered };
  });
  host.handle(RedirectionRequests.solClose, async (p) => {
    const s = sol.get(p.sessionId);
    if (!s) throw unknown(p.sessionId);
    await s.close();
  });
  host.onNotification?.(RedirectionNotifications.solInput, (p) => sol.get(p.sessionId)?.write(Buffer.from(p.data, 'base64')));

  host.handle(RedirectionRequests.iderMount, async (p, signal) => {
    if (!p.cd && !p.floppy) throw new AmtError('args.invalid', 'No image was given to serve; choose an .iso for the CD and/or an .img for the floppy.');
    const { session, route } = await serveImages(target(p), { ...(p.cd ? { cd: p.cd } : {}), ...(p.floppy ? { floppy: p.floppy } : {}), ...(p.reboot ? { reboot: true } : {}) }, signal);
    const sessionId = randomUUID();
    ider.set(sessionId, session);
    const progress = throttledProgress(sessionId, (pr) => host.notify(RedirectionNotifications.iderProgress, pr));
    session.on('progress', (c: IderCounters) => progress.update(c));
    session.once('ended', (state: 'ended' | 'ejected', reason?: string) => {
      ider.delete(sessionId);
      progress.end({ ...session.counters }, state, reason);
    });
    if (!session.open) ider.delete(sessionId);
    else progress.update(session.counters); // "waiting" until the host reads
    return { sessionId, route };
  });
  host.handle(RedirectionRequests.iderStop, async (p) => {
    const s = ider.get(p.sessionId);
    if (!s) throw unknown(p.sessionId);
    await s.close();
  });

  return {
    async dispose() {
      await Promise.allSettled([...[...sol.values()].map((s) => s.close()), ...[...ider.values()].map((s) => s.close())]);
    },
  };
}

/** IderProgress notifications: at most one per PROGRESS_EVERY_MS, the latest counters, and always the last. */
function throttledProgress(sessionId: string, send: (p: IderProgress) => void) {
  let last = 0;
  let pending: IderCounters | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (!pending) return;
    last = Date.now();
    send({ sessionId, sectorsRead: pending.sectorsRead, bytesRead: pending.bytesRead, mbPerSecond: pending.mbPerSecond, state: pending.state });
    pending = undefined;
  };
  return {
    update(c: IderCounters) {
      pending = { ...c };
      if (timer) return;
      const wait = PROGRESS_EVERY_MS - (Date.now() - last);
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    end(c: IderCounters, state: 'ended' | 'ejected', reason?: string) {
      clearTimeout(timer);
      send({ sessionId, sectorsRead: c.sectorsRead, bytesRead: c.bytesRead, mbPerSecond: c.mbPerSecond, state, ...(reason ? { reason } : {}) });
    },
  };
}
