/**
 * `amtwb sim --state FILE`: one simulated device's state kept between runs, so a user can work
 * with the same device for days.
 *
 * What is kept is generic, so features added later are kept without changes here: every class in
 * the instance store (`device.storedClasses()` / `device.instances(...)` — accounts' ACL entries,
 * certificates, policies, boot settings, …), the ACL table (accounts with their Digest hashes), the message log, the RTC
 * offset, and every side object registered through side-state.ts (storage blocks, key material,
 * counters). The device's UUID is kept too, so its Digest realm and the identity-derived values
 * in the store stay consistent.
 *
 * Loading happens before the device serves a request. Saving happens after changes — after any
 * event the device emits (a WS-Man request, a Put, power, log, clock, timers), debounced (at most
 * 2 s late under a steady stream of requests) — and on
 * close, and only when the content changed. Every write goes to a temporary file in the same
 * directory that is then renamed over FILE, so a crash never leaves half a file. A file that
 * cannot be read or is not a state file is an error of one sentence, and the file is left as it is.
 * The file holds the accounts' Digest hashes (as good as passwords for this realm), so it is
 * created readable by its owner only (mode 0600).
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { AclState } from './accounts/acl';
import type { SimDevice } from './device';
import type { LogRecord } from './message-log';
import { allSideState, restoreSideState } from './side-state';
import type { PropMap } from './values';

const FORMAT = 'amtwb-sim-state';
const VERSION = 1;

export interface SavedState {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly uuid: string;
  /** The ACL table: admin and user entries with their Digest hashes (accounts/acl.ts). */
  readonly accounts: AclState;
  readonly instances: Readonly<Record<string, PropMap[]>>;
  readonly log: readonly LogRecord[];
  readonly rtcOffsetMs: number;
  readonly side: Readonly<Record<string, object>>;
}

/** A state file that cannot be used; the message is the one sentence a user sees. */
export class StateFileError extends Error {
  readonly code = 'sim.state';
}

/** Reads FILE; undefined when it does not exist yet (a first run), StateFileError when it is unusable. */
export async function readStateFile(file: string): Promise<SavedState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new StateFileError(`The simulator state file ${file} cannot be read (${code ?? String(err)}); check its permissions, or pass another --state FILE.`);
  }
  const why = problem(text);
  if (typeof why === 'string') {
    throw new StateFileError(`The simulator state file ${file} is not usable (${why}); repair or remove it, or pass another --state FILE.`);
  }
  return why;
}

function problem(text: string): string | SavedState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return `it is not valid JSON: ${(err as Error).message}`;
  }
  const d = data as Partial<SavedState> | null;
  if (typeof d !== 'object' || d === null || d.format !== FORMAT) return `it is not an amtwb simulator state file`;
  if (d.version !== VERSION) return `it has format version ${String(d.version)}, this amtwb reads version ${VERSION}`;
  if (typeof d.uuid !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(d.uuid)) return 'its uuid is missing or malformed';
  const acl = d.accounts as Partial<AclState> | undefined;
  if (typeof acl !== 'object' || acl === null || typeof acl.admin?.user !== 'string' || !Array.isArray(acl.entries) || typeof acl.nextHandle !== 'number') return 'its accounts are not an ACL table (admin, entries, nextHandle)';
  if (typeof d.instances !== 'object' || d.instances === null || !Object.values(d.instances).every((l) => Array.isArray(l) && l.every((i) => typeof i === 'object' && i !== null))) {
    return 'its instances are not lists of property maps by class';
  }
  if (!Array.isArray(d.log) || typeof d.rtcOffsetMs !== 'number' || typeof d.side !== 'object' || d.side === null) return 'its log, rtcOffsetMs or side state is missing';
  return d as SavedState;
}

/** The device's whole state, as the file holds it. */
export function captureState(device: SimDevice): SavedState {
  const instances: Record<string, PropMap[]> = {};
  for (const name of device.storedClasses().sort()) instances[name] = device.instances(name);
  return {
    format: FORMAT,
    version: VERSION,
    uuid: device.identity.uuid,
    accounts: structuredClone(device.accounts.toJSON()),
    instances,
    log: device.logRecords(),
    rtcOffsetMs: device.rtcOffsetMs,
    side: allSideState(device),
  };
}

/**
 * Puts saved state on a device (made with the saved UUID). Lists are refilled in place, so
 * references features hold stay valid; classes the file does not name keep their initial instances.
 */
export function applyState(device: SimDevice, state: SavedState): void {
  if (state.uuid !== device.identity.uuid) {
    throw new StateFileError(`The saved state belongs to device ${state.uuid}, not ${device.identity.uuid}; start the simulator with the state file's UUID.`);
  }
  device.accounts.load(state.accounts);
  device.rtcOffsetMs = state.rtcOffsetMs;
  restoreSideState(device, state.side);
  // The log first: a frozen log (AMT_MessageLog.IsFrozen, restored below) would refuse the records.
  device.clearLog();
  for (const r of state.log) device.addLogRecord(r);
  for (const [name, list] of Object.entries(state.instances)) {
    const live = device.instances(name);
    live.splice(0, live.length, ...structuredClone(list));
  }
}

export interface PersistOptions {
  /** Quiet time after the last change before writing; default 250 ms. */
  debounceMs?: number;
  /** A change waits at most this long under a steady stream of requests; default 2000 ms. */
  maxWaitMs?: number;
  /** Called with a write failure (the device keeps running); default: ignored. */
  onError?: (err: StateFileError) => void;
  /** FILE already holds the device's current state (it was just loaded from it): no first write. */
  loaded?: boolean;
}

export interface StatePersistence {
  /** Writes now if anything changed since the last write. */
  flush(): Promise<void>;
  /** Final write, then stops watching the device. */
  close(): Promise<void>;
}

/** Saves the device to FILE after every change (debounced) and on close, atomically. */
export function persistState(device: SimDevice, file: string, options: PersistOptions = {}): StatePersistence {
  const debounceMs = options.debounceMs ?? 250;
  const maxWaitMs = options.maxWaitMs ?? Math.max(2000, debounceMs);
  let pendingSince: number | undefined;
  let dueAt = 0;
  let written = options.loaded ? JSON.stringify(captureState(device)) : '';
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    pendingSince = undefined;
    writing = writing.then(async () => {
      const text = JSON.stringify(captureState(device));
      if (text === written) return;
      try {
        await writeAtomically(file, text);
        written = text;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        options.onError?.(new StateFileError(`The simulator state could not be saved to ${file} (${code}); check that its directory is writable.`));
      }
    });
    return writing;
  };

  const schedule = () => {
    if (closed) return;
    const now = Date.now();
    pendingSince ??= now;
    const due = Math.min(now + debounceMs, pendingSince + maxWaitMs);
    if (timer && due === dueAt) return; // capped: keep the timer that is already due then
    if (timer) clearTimeout(timer);
    dueAt = due;
    timer = setTimeout(() => void flush(), Math.max(0, due - now));
    timer.unref();
  };

  // Every event the device emits may follow a change (a request, a Put, a timer); the content
  // comparison in flush() keeps the writes to real changes.
  const originalEmit = device.emit;
  device.emit = function (this: SimDevice, event: string | symbol, ...args: unknown[]): boolean {
    const result = originalEmit.call(this, event, ...args);
    if (event !== 'parse') schedule();
    return result;
  } as typeof device.emit;

  return {
    flush,
    close: async () => {
      closed = true;
      device.emit = originalEmit;
      await flush();
    },
  };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * For `amtwb sim --state FILE`: reads FILE (before the device exists, for its UUID), then puts
 * the state on the started device and keeps saving it.
 */
export async function openStateFile(file: string): Promise<{ uuid?: string; attach(device: SimDevice, options?: PersistOptions): StatePersistence }> {
  const saved = await readStateFile(file);
  return {
    ...(saved ? { uuid: saved.uuid } : {}),
    attach: (device, options) => {
      if (saved) applyState(device, saved);
      const persistence = persistState(device, file, { ...options, loaded: saved !== undefined });
      if (!saved) void persistence.flush();
      return persistence;
    },
  };
}
