/**
 * amt/sol/* and amt/ider/* as the extension calls them, on a stand-in for main.ts's connection
 * over a real target registry whose embedded simulator serves redirection on a real socket: SOL
 * bytes as base64 notifications both ways, IDE-R progress notifications ending with the eject, an
 * unknown session as one sentence, and every session closed when the backend shuts down.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import { registerHandlers } from '../../../server/src/handlers';
import { RedirectionNotifications, RedirectionRequests, type IderProgress, type SessionEnded, type SolData } from '../../../server/src/protocol';
import { TargetRegistry } from '../../../server/src/targets/registry';
import { makeIso } from '../redirection/helpers';
import { IderStandIn } from '../sim/redirection/stand-ins';

function backend(registry: TargetRegistry) {
  const handlers = new Map<string, (p: unknown, s: AbortSignal) => unknown>();
  const incoming = new Map<string, (p: unknown) => void>();
  const notes: { method: string; params: unknown }[] = [];
  const waiters: (() => void)[] = [];
  const registered = registerHandlers({
    handle: (type, fn) => void handlers.set(type.method, fn as (p: unknown, s: AbortSignal) => unknown),
    notify: (type, params) => {
      notes.push({ method: type.method, params });
      for (const w of waiters.splice(0)) w();
    },
    onNotification: (type, fn) => void incoming.set(type.method, fn as (p: unknown) => void),
    registry,
  });
  const call = async <P, R>(type: RequestType<P, R, void>, params: P): Promise<R> => (await handlers.get(type.method)!(params, new AbortController().signal)) as R;
  const send = <P>(type: NotificationType<P>, params: P) => incoming.get(type.method)!(params);
  const notified = <P>(type: NotificationType<P>): P[] => notes.filter((n) => n.method === type.method).map((n) => n.params as P);
  /** Waits until `check` holds over the notifications so far. */
  const until = async (check: () => boolean) => {
    while (!check()) await new Promise<void>((r) => waiters.push(r));
  };
  return { call, send, notified, until, dispose: () => registered.dispose() };
}

describe('handlers: SOL and IDE-R', () => {
  const registry = new TargetRegistry({ simulator: true });
  let b: ReturnType<typeof backend>;
  let dir: string;
  before(() => {
    b = backend(registry);
    dir = mkdtempSync(join(tmpdir(), 'amtwb-handlers-redir-'));
  });
  after(async () => {
    await b.dispose();
    await registry.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const output = (sessionId: string) => b.notified<SolData>(RedirectionNotifications.solOutput).filter((n) => n.sessionId === sessionId).map((n) => Buffer.from(n.data, 'base64').toString('latin1')).join('');

  it('amt/sol/open, amt/sol/input and amt/sol/output carry the host console; amt/sol/close ends it without a reason', async () => {
    const opened = await b.call(RedirectionRequests.solOpen, { targetId: 'sim' });
    assert.match(opened.route, /^TCP 127\.0\.0\.1:\d+$/);
    assert.equal(opened.hostPowered, true);
    b.send(RedirectionNotifications.solInput, { sessionId: opened.sessionId, data: Buffer.from('\r').toString('base64') });
    await b.until(() => output(opened.sessionId).includes('login: '));
    await b.call(RedirectionRequests.solClose, { sessionId: opened.sessionId });
    await b.until(() => b.notified<SessionEnded>(RedirectionNotifications.solEnded).some((e) => e.sessionId === opened.sessionId));
    assert.deepEqual(b.notified<SessionEnded>(RedirectionNotifications.solEnded).find((e) => e.sessionId === opened.sessionId), { sessionId: opened.sessionId });
    await assert.rejects(b.call(RedirectionRequests.solClose, { sessionId: opened.sessionId }), /no open redirection session .*open a new one/);
  });

  it('amt/ider/mount serves the ISO; progress notifications end with the eject', async () => {
    const sim = await registry.simulator('sim');
    const host = new IderStandIn();
    sim.redirection.setHostLinks({ ider: host });
    try {
      const iso = makeIso(dir);
      const { sessionId } = await b.call(RedirectionRequests.iderMount, { targetId: 'sim', cd: iso });
      const bus = await host.attached();
      await bus.packet('cd', Buffer.alloc(12), 0);
      const read = Buffer.alloc(12);
      read[0] = 0x28;
      read[5] = 16;
      read[8] = 100;
      for (let i = 0; i < 5; i++) await bus.packet('cd', read, 100 * 2048);
      const eject = Buffer.alloc(12);
      eject[0] = 0x1b;
      eject[4] = 0x02;
      await bus.packet('cd', eject, 0);
      await b.until(() => b.notified<IderProgress>(RedirectionNotifications.iderProgress).some((p) => p.sessionId === sessionId && p.state === 'ejected'));
      const mine = b.notified<IderProgress>(RedirectionNotifications.iderProgress).filter((p) => p.sessionId === sessionId);
      assert.equal(mine[0]!.state, 'waiting', 'the first notification says the drives wait for the host');
      const last = mine.at(-1)!;
      assert.equal(last.state, 'ejected');
      assert.equal(last.sectorsRead, 500);
      assert.equal(last.bytesRead, 500 * 2048);
      assert.ok(mine.length <= 7, `at most one notification at the start, one per read and one at the end (got ${mine.length})`);
    } finally {
      sim.redirection.setHostLinks(undefined);
    }
  });

  it('amt/ider/stop ends serving; the last progress notification says ended, without a reason', async () => {
    const sim = await registry.simulator('sim');
    const host = new IderStandIn();
    sim.redirection.setHostLinks({ ider: host });
    try {
      const { sessionId } = await b.call(RedirectionRequests.iderMount, { targetId: 'sim', cd: makeIso(dir, { name: 'stop' }) });
      await host.attached();
      await b.call(RedirectionRequests.iderStop, { sessionId });
      await b.until(() => b.notified<IderProgress>(RedirectionNotifications.iderProgress).some((p) => p.sessionId === sessionId && p.state === 'ended'));
      const last = b.notified<IderProgress>(RedirectionNotifications.iderProgress).filter((p) => p.sessionId === sessionId).at(-1)!;
      assert.deepEqual({ state: last.state, reason: last.reason }, { state: 'ended', reason: undefined });
      await assert.rejects(b.call(RedirectionRequests.iderStop, { sessionId }), /no open redirection session/);
    } finally {
      sim.redirection.setHostLinks(undefined);
    }
  });

  it('amt/ider/mount without an image, or with a missing file, is one sentence', async () => {
    await assert.rejects(b.call(RedirectionRequests.iderMount, { targetId: 'sim' }), /No image was given to serve/);
    await assert.rejects(b.call(RedirectionRequests.iderMount, { targetId: 'sim', cd: join(dir, 'none.iso') }), /cannot be opened \(ENOENT\)/);
  });

  it('shutting the backend down closes open sessions', async () => {
    const other = backend(registry);
    const opened = await other.call(RedirectionRequests.solOpen, { targetId: 'sim' });
    const sim = await registry.simulator('sim');
    assert.deepEqual(sim.redirection.openKinds, ['SOL']);
    await other.dispose();
    assert.deepEqual(other.notified<SessionEnded>(RedirectionNotifications.solEnded), [{ sessionId: opened.sessionId }]);
    const again = await b.call(RedirectionRequests.solOpen, { targetId: 'sim' });
    await b.call(RedirectionRequests.solClose, { sessionId: again.sessionId });
  });
});
