/**
 * The backend's handlers for the OS-health-watchdog block of protocol.ts: the local iAMT watchdog
 * (info, one keepalive loop at a time), event streams from targets (each a sink + subscription,
 * its events sent as notifications), the decoded event log, and agent presence. main.ts passes
 * its `handle`, a notifier and the registry's connect; dispose() stops the loop and unsubscribes.
 */
import { randomUUID } from 'node:crypto';
import type { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import { AmtError } from '../errors';
import { WatchdogNotifications, WatchdogRequests, type Credentials, type WatchdogKeepaliveStatus } from '../protocol';
import type { WsmanClient } from '../wsman/client';
import {
  addAgentAction, assertPresence, assertShutdown, createAgent, deleteAllAgentActions, listAgentActions, listAgents, registerAgent,
} from './agentPresence';
import { readMessageLog } from './eventLog';
import { followEvents, type EventStream } from './events';
import { IAMT_WATCHDOG, keepWatchdogAlive, openWatchdog, readWatchdogInfo } from './watchdog';

export interface RequestHost {
  handle<P, R>(type: RequestType<P, R, void>, fn: (params: P, signal: AbortSignal) => Promise<R> | R): void;
  notify<P>(type: NotificationType<P>, params: P): void;
  connect(targetId: string, credentials: Credentials | undefined, signal: AbortSignal): Promise<WsmanClient>;
}

interface Keepalive {
  stop: AbortController;
  done: Promise<void>;
  status: WatchdogKeepaliveStatus;
}

export function registerWatchdogRequests(host: RequestHost): { dispose(): Promise<void> } {
  let keepalive: Keepalive | undefined;
  let lastError: string | undefined;
  const streams = new Map<string, EventStream>();
  const status = (): WatchdogKeepaliveStatus =>
    keepalive ? { ...keepalive.status } : { running: false, heartbeats: 0, ...(lastError ? { error: lastError } : {}) };
  const client = (p: { targetId: string; credentials?: Credentials }, signal: AbortSignal) => host.connect(p.targetId, p.credentials, signal);

  host.handle(WatchdogRequests.info, (p) => readWatchdogInfo(p.device ? { device: p.device } : {}));

  host.handle(WatchdogRequests.startKeepalive, async (p) => {
    if (keepalive) throw new AmtError('watchdog.running', `A keepalive for ${keepalive.status.path} is already running; stop it first.`);
    const timeoutSeconds = p.timeoutSeconds ?? IAMT_WATCHDOG.defaultTimeout;
    const handle = await openWatchdog(p.device ? { device: p.device } : {});
    const stop = new AbortController();
    const run: Keepalive = { stop, done: Promise.resolve(), status: { running: true, path: handle.path, timeoutSeconds, heartbeats: 0 } };
    keepalive = run;
    lastError = undefined;
    run.done = keepWatchdogAlive(handle, {
      timeoutSeconds,
      signal: stop.signal,
      onHeartbeat: (n) => {
        run.status.heartbeats = n;
        host.notify(WatchdogNotifications.keepalive, { ...run.status });
      },
    })
      .then(
        () => undefined,
        (err: unknown) => {
          lastError = err instanceof Error ? err.message : String(err);
        },
      )
      .finally(async () => {
        await handle.close().catch(() => undefined);
        if (keepalive === run) keepalive = undefined;
        host.notify(WatchdogNotifications.keepalive, { ...run.status, running: false, ...(lastError ? { error: lastError } : {}) });
      });
    return { ...run.status };
  });

  const stopKeepalive = async (): Promise<WatchdogKeepaliveStatus> => {
    const run = keepalive;
    if (!run) return status();
    run.stop.abort();
    await run.done;
    return { ...run.status, running: false };
  };
  host.handle(WatchdogRequests.stopKeepalive, stopKeepalive);
  host.handle(WatchdogRequests.keepaliveStatus, status);

  host.handle(WatchdogRequests.followEvents, async (p, signal) => {
    const stream = await followEvents(await client(p, signal), { ...(p.filter ? { filter: p.filter } : {}) });
    const streamId = randomUUID();
    streams.set(streamId, stream);
    stream.sink.on('event', (event) => host.notify(WatchdogNotifications.event, { streamId, targetId: p.targetId, event }));
    return { streamId, notifyTo: stream.sink.url };
  });
  host.handle(WatchdogRequests.unfollowEvents, async (p) => {
    const stream = streams.get(p.streamId);
    streams.delete(p.streamId);
    await stream?.close();
  });

  host.handle(WatchdogRequests.readLog, async (p, signal) => readMessageLog(await client(p, signal), signal));

  host.handle(WatchdogRequests.listAgents, async (p, signal) => {
    const c = await client(p, signal);
    return { agents: await listAgents(c, { signal }), actions: await listAgentActions(c, { signal }) };
  });
  host.handle(WatchdogRequests.registerAgent, async (p, signal) => {
    const c = await client(p, signal);
    if (!(await listAgents(c, { signal })).some((a) => a.agent.toLowerCase() === p.agent.toLowerCase())) {
      await createAgent(c, p.agent, {
        ...(p.timeoutIntervalSeconds ? { timeoutIntervalSeconds: p.timeoutIntervalSeconds } : {}),
        ...(p.startupIntervalSeconds ? { startupIntervalSeconds: p.startupIntervalSeconds } : {}),
      }, { signal });
    }
    return registerAgent(c, p.agent, { signal });
  });
  host.handle(WatchdogRequests.assertAgent, async (p, signal) => {
    const c = await client(p, signal);
    await (p.shutdown ? assertShutdown : assertPresence)(c, p.agent, p.sequenceNumber, { signal });
  });
  host.handle(WatchdogRequests.addAgentAction, async (p, signal) => addAgentAction(await client(p, signal), p.agent, p.action, { signal }));
  host.handle(WatchdogRequests.deleteAgentActions, async (p, signal) => deleteAllAgentActions(await client(p, signal), p.agent, { signal }));

  return {
    async dispose() {
      await stopKeepalive();
      await Promise.allSettled([...streams.values()].map((s) => s.close()));
      streams.clear();
    },
  };
}
