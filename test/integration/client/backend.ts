/**
 * The real backend for client-model tests: `server/src/main.ts --stdio` in a child process (as
 * vscode-languageclient would start it), joined by a vscode-jsonrpc connection. The models get its
 * `request` function, exactly the shape the extension's Ctx gives them.
 *
 * AMT_BACKEND_ENTRY may name another entry file (e.g. a build in dist/server.js).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type NotificationType, type RequestType } from 'vscode-jsonrpc/node';
import { Notifications, type TargetChange } from '../../../server/src/protocol';
import type { Request } from '../../../client/src/model/request';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Backend {
  request: Request;
  /** Every `amt/targets/changed` notification received so far (one target's change each). */
  targetChanges: TargetChange[];
  /** Calls `handler` with every later notification of this type. */
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): void;
  close(): Promise<void>;
}

export interface BackendOptions {
  /** Merged over the default initializationOptions (requestTimeoutSeconds: 20). */
  initializationOptions?: Record<string, unknown>;
}

export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  const entry = process.env.AMT_BACKEND_ENTRY ?? join(ROOT, 'server/src/main.ts');
  const args = entry.endsWith('.js') ? [entry, '--stdio'] : ['--import', 'tsx', entry, '--stdio'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, AMT_WORKBENCH_SIMULATOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const targetChanges: TargetChange[] = [];
  conn.onNotification(Notifications.targetChanged.method, (t: TargetChange) => targetChanges.push(t));
  conn.listen();
  try {
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { requestTimeoutSeconds: 20, ...options.initializationOptions } });
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`the backend did not initialize: ${(err as Error).message}\n${stderr}`);
  }
  await conn.sendNotification('initialized', {});
  const request: Request = <P, R>(type: RequestType<P, R, void>, params: P) => conn.sendRequest(type, params) as Promise<R>;
  return {
    request,
    targetChanges,
    onNotification: (type, handler) => void conn.onNotification(type, handler),
    async close() {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      try {
        await conn.sendRequest('shutdown');
        await conn.sendNotification('exit');
      } catch {
        child.kill('SIGKILL');
      }
      conn.dispose();
      child.stdin.end();
      await exited;
      clearTimeout(timer);
    },
  };
}
