/**
 * A simulator with the host's own traffic on a loopback port, a WS-Man client to it, and the
 * backend's handlers (server/src/handlers/) over that client as the extension calls them. The
 * device clock stands still but for `advance(ms)`, so packet counts do not depend on the machine.
 */
import assert from 'node:assert/strict';
import type { RequestType } from 'vscode-languageserver-protocol';
import { registerHandlers, type HandlerHost } from '../../../server/src/handlers';
import type { TargetInfo } from '../../../server/src/protocol';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { WsmanClient, tcpTransport } from '../../../server/src/wsman';

const SIM: TargetInfo = { id: 'sim', kind: 'sim', label: 'Simulator', removable: false, state: 'connected' };

export interface DefenseFixture {
  sim: Simulator;
  client: WsmanClient;
  call<P, R>(type: RequestType<P, R, void>, params: P): Promise<R>;
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function startDefenseFixture(): Promise<DefenseFixture> {
  const sim = await startSimulator({ port: 0, hostTraffic: true });
  sim.device.setTimeScale(1e-9);
  const client = new WsmanClient({ transport: tcpTransport(sim.host, sim.port), user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password });
  const handlers = new Map<string, (p: unknown, s: AbortSignal) => unknown>();
  const registry: HandlerHost['registry'] = {
    connect: async () => client,
    info: () => ({ ...SIM, url: `http://127.0.0.1:${sim.port}` }),
    list: () => [SIM],
    add: () => SIM,
    remove: async () => undefined,
    simulator: async () => sim,
  };
  const registered = registerHandlers({ handle: (type, fn) => void handlers.set(type.method, fn as (p: unknown, s: AbortSignal) => unknown), notify: () => undefined, registry });
  return {
    sim,
    client,
    async call<P, R>(type: RequestType<P, R, void>, params: P): Promise<R> {
      const fn = handlers.get(type.method);
      assert.ok(fn, `${type.method} has a handler`);
      return (await fn(params, new AbortController().signal)) as R;
    },
    advance: (ms) => sim.device.advance(ms),
    async close() {
      await registered.dispose();
      client.close();
      await sim.close();
    },
  };
}

/** The sentence a rejected promise carries. */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail('expected a refusal');
}
