/**
 * amt/snapshot/take and amt/snapshot/diff as the extension calls them (handlers/snapshot.ts on a
 * stand-in for main.ts's connection, the device a simulator on a real socket): progress arrives
 * as notifications naming the request's token, cancelling the request ends it with nothing, and
 * diff compares two files' texts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerHandlers, type HandlerHost } from '../../../server/src/handlers';
import { SnapshotNotifications, SnapshotRequests, type SnapshotProgress, type TargetInfo } from '../../../server/src/protocol';
import { withRig } from './helpers';

describe('snapshot handlers', () => {
  const rig = withRig();
  const handlers = new Map<string, (p: unknown, s: AbortSignal) => unknown>();
  const progress: SnapshotProgress[] = [];
  let registered: ReturnType<typeof registerHandlers>;

  before(() => {
    const info: TargetInfo = { id: 'dev', kind: 'remote', label: 'Test device', url: rig().url, removable: true, state: 'connected' };
    const registry: HandlerHost['registry'] = {
      connect: () => rig().client(),
      info: () => info,
      list: () => [info],
      add: () => info,
      remove: async () => undefined,
      simulator: async () => rig().sim,
    };
    registered = registerHandlers({
      handle: (type, fn) => void handlers.set(type.method, fn as (p: unknown, s: AbortSignal) => unknown),
      notify: (type, params) => {
        if (type.method === SnapshotNotifications.progress.method) progress.push(params as SnapshotProgress);
      },
      registry,
    });
  });
  after(() => registered.dispose());

  const call = (method: string, params: unknown, signal = new AbortController().signal) => new Promise((resolve) => resolve(handlers.get(method)!(params, signal)));

  it('take reports progress per class under its token and returns the file with counts', async () => {
    progress.length = 0;
    const r = (await call(SnapshotRequests.take.method, { targetId: 'dev', progressToken: 't1' })) as { text: string; classes: number; instances: number; notServed: number; refused: number };
    const snap = JSON.parse(r.text);
    assert.equal(snap.device.label, 'Test device');
    assert.equal(snap.device.url, rig().url);
    assert.equal(r.classes, Object.keys(snap.classes).length);
    assert.equal(r.refused, 0);
    assert.equal(r.notServed, snap.notServed.length);
    assert.ok(progress.length > 200 && progress.every((p) => p.progressToken === 't1'));
    assert.deepEqual(progress.map((p) => p.done), progress.map((_, i) => i + 1));
    assert.equal(progress.at(-1)!.instances, r.instances);
  });

  it('a cancelled take rejects and reports no more progress', async () => {
    progress.length = 0;
    const controller = new AbortController();
    const pending = call(SnapshotRequests.take.method, { targetId: 'dev', progressToken: 't2' }, controller.signal);
    while (progress.length < 10) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await assert.rejects(pending, /The snapshot was cancelled, so nothing was saved\./);
    const seen = progress.length;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(progress.length, seen);
    assert.ok(seen < 100, `${seen} classes before it stopped`);
  });

  it('diff compares two snapshot texts and renders both sides', async () => {
    const a = ((await call(SnapshotRequests.take.method, { targetId: 'dev' })) as { text: string }).text;
    const r = (await call(SnapshotRequests.diff.method, { before: { name: 'a.json', text: a }, after: { name: 'b.json', text: a } })) as { diff: { same: boolean }; report: string; beforeText: string; afterText: string };
    assert.equal(r.diff.same, true);
    assert.equal(r.beforeText, r.afterText);
    assert.match(r.beforeText, /^# Snapshot of Test device — Intel Corporation AMT 16\.1/);
    await assert.rejects(call(SnapshotRequests.diff.method, { before: { name: 'a.json', text: a }, after: { name: 'notes.txt', text: 'hello' } }), (e: unknown) => /^notes\.txt is not valid JSON .*; give a file written by "Save Device Snapshot"/.test((e as Error).message));
  });
});
