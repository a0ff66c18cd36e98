/**
 * The .wsman send history (client/src/model/wsmanHistory.ts) over a Memento-shaped store: newest
 * first, at most 50, large responses not kept, and the rows "WS-Man Request History" shows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ago, fileName, HISTORY_KEY, historyRow, WsmanHistory, type HistoryEntry, type HistoryStore } from '../../../client/src/model/wsmanHistory';

/** What vscode's workspaceState does, in memory; it stores JSON-compatible values. */
class MemoryStore implements HistoryStore {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

const T0 = Date.UTC(2025, 0, 2, 10, 0, 0);

function sent(n: number, extra: Partial<HistoryEntry> = {}): Omit<HistoryEntry, 'id'> {
  return {
    sentAt: T0 + n * 1000,
    uri: 'file:///lab/requests.wsman',
    requestIndex: 1,
    label: `Read the general settings ${n}`,
    targetId: 'sim',
    targetLabel: 'Simulator',
    status: 200,
    elapsedMs: 12.4,
    response: `<!-- 200 OK -->\n<a:Envelope n="${n}"/>`,
    ...extra,
  };
}

function counter(): () => string {
  let n = 0;
  return () => `id${++n}`;
}

describe('WS-Man request history', () => {
  it('lists sends newest first and keeps them in the store under one key', async () => {
    const store = new MemoryStore();
    const h = new WsmanHistory(store, { newId: counter() });
    assert.deepEqual(h.list(), []);
    await h.add(sent(1));
    const second = await h.add(sent(2, { status: 400, fault: 'InvalidRepresentation' }));
    assert.equal(second.id, 'id2');
    assert.deepEqual(h.list().map((e) => e.label), ['Read the general settings 2', 'Read the general settings 1']);
    assert.equal(h.get('id1')?.response, '<!-- 200 OK -->\n<a:Envelope n="1"/>');
    // A second history over the same store (the window reloaded) sees the same entries.
    assert.deepEqual(new WsmanHistory(store).list().map((e) => e.id), ['id2', 'id1']);
    assert.ok(Array.isArray(store.data.get(HISTORY_KEY)));
  });

  it('keeps the last 50 sends, dropping the oldest', async () => {
    const h = new WsmanHistory(new MemoryStore(), { newId: counter() });
    for (let i = 1; i <= 53; i++) await h.add(sent(i));
    const list = h.list();
    assert.equal(list.length, 50);
    assert.equal(list[0]!.label, 'Read the general settings 53');
    assert.equal(list[49]!.label, 'Read the general settings 4');
  });

  it('does not keep a response larger than the limit, but keeps the send', async () => {
    const h = new WsmanHistory(new MemoryStore(), { maxResponseChars: 100, newId: counter() });
    const e = await h.add(sent(1, { response: 'x'.repeat(101) }));
    assert.equal(e.response, undefined);
    assert.equal(h.list()[0]!.status, 200);
    assert.match(historyRow(h.list()[0]!, T0).detail, /response not kept \(too large\)/);
  });

  it('removes one entry or clears all, and tells listeners', async () => {
    const h = new WsmanHistory(new MemoryStore(), { newId: counter() });
    let changes = 0;
    h.onDidChange(() => changes++);
    await h.add(sent(1));
    await h.add(sent(2));
    await h.remove('id1');
    assert.deepEqual(h.list().map((e) => e.id), ['id2']);
    await h.clear();
    assert.deepEqual(h.list(), []);
    assert.equal(changes, 4);
  });

  it('ignores what it cannot read (another version wrote the key)', () => {
    const store = new MemoryStore();
    store.data.set(HISTORY_KEY, [{ id: 'x' }, 'junk', { ...sent(1), id: 'ok' }]);
    assert.deepEqual(new WsmanHistory(store).list().map((e) => e.id), ['ok']);
    store.data.set(HISTORY_KEY, { not: 'a list' });
    assert.deepEqual(new WsmanHistory(store).list(), []);
  });

  it('shows each send as what, how it went, where, which file and when', () => {
    const ok = historyRow({ ...sent(0), id: 'a' }, T0 + 5 * 60_000);
    assert.deepEqual(ok, { label: '$(pass) Read the general settings 0', description: '200 · 12 ms · Simulator', detail: 'requests.wsman #2 · 5 min ago' });
    const fault = historyRow({ ...sent(0), id: 'b', status: 400, fault: 'InvalidRepresentation' }, T0 + 10_000);
    assert.equal(fault.label, '$(error) Read the general settings 0');
    assert.equal(fault.description, '400 InvalidRepresentation · 12 ms · Simulator');
    assert.match(fault.detail, /just now$/);
  });

  it('names files by their last path segment and times relative to now', () => {
    assert.equal(fileName('file:///my%20lab/requests.wsman'), 'requests.wsman');
    assert.equal(fileName('untitled:Untitled-1'), 'Untitled-1');
    assert.equal(ago(T0, T0 + 30_000), 'just now');
    assert.equal(ago(T0, T0 + 3 * 3_600_000), '3 h ago');
    assert.equal(ago(T0, T0 + 26 * 3_600_000), '1 day ago');
    assert.equal(ago(T0, T0 + 72 * 3_600_000), '3 days ago');
  });
});
