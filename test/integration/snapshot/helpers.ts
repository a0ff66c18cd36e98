/** A simulator on a free loopback port and a target registry whose `dev` target reaches it as a remote device would. */
import { after, before } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator, type SimulatorOptions } from '../../../server/src/sim';
import { TargetRegistry } from '../../../server/src/targets/registry';
import type { WsmanClient } from '../../../server/src/wsman';

export interface Rig {
  sim: Simulator;
  registry: TargetRegistry;
  url: string;
  /** A client as `user` (default: the simulator's admin). */
  client(user?: string, password?: string): Promise<WsmanClient>;
}

export function withRig(options: SimulatorOptions = {}): () => Rig {
  let rig: Rig | undefined;
  before(async () => {
    const sim = await startSimulator({ port: 0, ...options });
    const url = `http://127.0.0.1:${sim.port}`;
    const registry = new TargetRegistry({ simulator: false });
    registry.add({ kind: 'remote', id: 'dev', label: 'Test device', url, user: DEFAULT_ACCOUNT.user });
    rig = {
      sim,
      registry,
      url,
      client: (user = DEFAULT_ACCOUNT.user, password = DEFAULT_ACCOUNT.password) => registry.connect('dev', { user, password }),
    };
  });
  after(async () => {
    await rig?.registry.dispose();
    await rig?.sim.close();
  });
  return () => rig!;
}

export const never = new AbortController().signal;
