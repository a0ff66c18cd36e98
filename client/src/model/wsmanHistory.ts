/**
 * The history of .wsman sends, per workspace (the extension passes `workspaceState`): the last 50
 * replies, newest first, each with what was sent to which device and how it went, and the response
 * document's text when it is small enough to keep, so "WS-Man Request History" can open it again
 * or send the request again.
 */
import { Emitter } from './request';

/** What the history needs from a vscode.Memento. */
export interface HistoryStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface HistoryEntry {
  id: string;
  /** Milliseconds since the epoch. */
  sentAt: number;
  /** The .wsman document and the request's index in it (what `amt/wsman/send` takes). */
  uri: string;
  requestIndex: number;
  /** The request's `###` title, else its operation and class (`Get AMT_GeneralSettings`). */
  label: string;
  targetId: string;
  targetLabel: string;
  status: number;
  elapsedMs: number;
  /** The fault's subcode, when the device answered with one. */
  fault?: string;
  /** The response document as it was shown; absent when it was too large to keep. */
  response?: string;
}

export interface HistoryOptions {
  /** Entries kept (oldest dropped first); default 50. */
  limit?: number;
  /** Responses longer than this are not kept (the entry is); default 100 000 characters. */
  maxResponseChars?: number;
  /** Id generator (tests pass a fixed one). */
  newId?: () => string;
}

export const HISTORY_KEY = 'amt.wsman.history';

export class WsmanHistory {
  private readonly limit: number;
  private readonly maxResponseChars: number;
  private readonly newId: () => string;
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly store: HistoryStore,
    opts: HistoryOptions = {},
  ) {
    this.limit = opts.limit ?? 50;
    this.maxResponseChars = opts.maxResponseChars ?? 100_000;
    let n = 0;
    this.newId = opts.newId ?? (() => `${Date.now().toString(36)}-${(n++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
  }

  /** Newest first. Entries written by another version that lack a field are left out. */
  list(): HistoryEntry[] {
    const raw = this.store.get<unknown>(HISTORY_KEY);
    return Array.isArray(raw) ? raw.filter(isEntry) : [];
  }

  get(id: string): HistoryEntry | undefined {
    return this.list().find((e) => e.id === id);
  }

  async add(entry: Omit<HistoryEntry, 'id'>): Promise<HistoryEntry> {
    const { response, ...rest } = entry;
    const kept: HistoryEntry = { id: this.newId(), ...rest, ...(response !== undefined && response.length <= this.maxResponseChars ? { response } : {}) };
    await this.store.update(HISTORY_KEY, [kept, ...this.list()].slice(0, this.limit));
    this.changed.fire();
    return kept;
  }

  async remove(id: string): Promise<void> {
    await this.store.update(HISTORY_KEY, this.list().filter((e) => e.id !== id));
    this.changed.fire();
  }

  async clear(): Promise<void> {
    await this.store.update(HISTORY_KEY, []);
    this.changed.fire();
  }
}

function isEntry(e: unknown): e is HistoryEntry {
  const x = e as Partial<HistoryEntry> | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.id === 'string' &&
    typeof x.sentAt === 'number' &&
    typeof x.uri === 'string' &&
    typeof x.requestIndex === 'number' &&
    typeof x.label === 'string' &&
    typeof x.targetId === 'string' &&
    typeof x.status === 'number'
  );
}

/** A row of the history pick: what, where, how it went, when. */
export function historyRow(e: HistoryEntry, now: number): { label: string; description: string; detail: string } {
  const ok = e.status >= 200 && e.status < 300 && !e.fault;
  return {
    label: `${ok ? '$(pass)' : '$(error)'} ${e.label}`,
    description: `${e.status}${e.fault ? ` ${e.fault}` : ''} · ${Math.round(e.elapsedMs)} ms · ${e.targetLabel}`,
    detail: `${fileName(e.uri)} #${e.requestIndex + 1} · ${ago(e.sentAt, now)}${e.response === undefined ? ' · response not kept (too large)' : ''}`,
  };
}

/** The last path segment of a URI, decoded (`untitled:Untitled-1` → `Untitled-1`). */
export function fileName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const last = path.slice(Math.max(path.lastIndexOf('/'), path.indexOf(':')) + 1);
  try {
    return decodeURIComponent(last) || uri;
  } catch {
    return last || uri;
  }
}

/** `just now`, `5 min ago`, `3 h ago`, `2 days ago`. */
export function ago(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  return `${d} day${d === 1 ? '' : 's'} ago`;
}
