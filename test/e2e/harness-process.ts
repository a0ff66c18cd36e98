/**
 * The process side of the e2e harness: code-server's process group and temp folders tracked so an
 * interrupted test process still cleans them up, running a command to its end, waiting for a port,
 * and the small polling helpers `harness.ts` builds on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * What running workbenches leave behind if never closed: code-server process groups and temp
 * folders. The one piece of module state here: code-server runs in its own process group (so
 * close() can end it with its extension host and backend), which also means it would outlive a
 * test process that exits or is interrupted without calling close(). An 'exit' hook and
 * SIGINT/SIGTERM handlers, installed while anything is live, clean up in that case.
 */
const live = { groups: new Set<number>(), dirs: new Set<string>() };

function cleanUpNow(): void {
  for (const pid of live.groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const dir of live.dirs) rmSync(dir, { recursive: true, force: true });
  live.groups.clear();
  live.dirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanUpNow();
  // Other handlers (playwright installs some) would keep the process alive: exit as the signal would.
  process.exit(128 + (os.constants.signals[signal] ?? 1));
}

function setHooks(on: boolean): void {
  const method = on ? 'on' : 'off';
  process[method]('exit', cleanUpNow);
  process[method]('SIGINT', onSignal);
  process[method]('SIGTERM', onSignal);
}

export function track(kind: 'groups' | 'dirs', value: number | string): void {
  if (live.groups.size + live.dirs.size === 0) setHooks(true);
  (live[kind] as Set<number | string>).add(value);
}

export function untrack(kind: 'groups' | 'dirs', value: number | string): void {
  (live[kind] as Set<number | string>).delete(value);
  if (live.groups.size + live.dirs.size === 0) setHooks(false);
}

/** Runs a command to its end, feeding its output to `record`; resolves with the exit code. */
export function runToEnd(cmd: string, args: string[], env: NodeJS.ProcessEnv, record: (c: Buffer | string) => void, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(args[0] ?? cmd)} ${args.slice(-3).join(' ')} did not finish in ${timeoutMs / 1000}s`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Resolves once code-server accepts connections on `port`; rejects if it exits or takes too long. */
export async function waitForListening(server: ChildProcess, port: number, logLines: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  server.once('exit', (code, signal) => (exited = `code-server exited (${signal ?? code}) before it listened`));
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    if (logLines.some((l) => l.includes('HTTP server listening')) && (await canConnect(port))) return;
    await sleep(100);
  }
  throw new Error(`code-server did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000}s`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** SIGTERM to the process group, SIGKILL after 5 s if anything is left. */
export async function killGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signalGroup = (sig: NodeJS.Signals | 0) => {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  if (!signalGroup('SIGTERM')) return;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    await sleep(100);
    if (!signalGroup(0)) return;
  }
  signalGroup('SIGKILL');
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000}s`)), ms);
    }),
  ]);
}

export async function poll(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}
