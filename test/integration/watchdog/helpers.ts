/**
 * Shared set-up of the watchdog tier: a simulator, optionally its emulated iAMT watchdog device
 * (FUSE: root and /dev/fuse, guarded like the MEI tier), and a product WS-Man client to it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { attachWatchdog, type AttachedWatchdog } from '../../../server/src/sim/watchdog/attach';
import { tcpTransport, WsmanClient } from '../../../server/src/wsman';
import { tempDir } from '../mei/helpers';

export { eventually, meiSuite as fuseSuite } from '../mei/helpers';

export interface Fixture {
  sim: Simulator;
  client: WsmanClient;
  /** The emulated watchdog device, when asked for. */
  watchdog?: AttachedWatchdog;
  close(): Promise<void>;
}

export async function startFixture(options: { watchdog?: boolean; protocolVersion?: number } = {}): Promise<Fixture> {
  const sim = await startSimulator({ port: 0 });
  const client = new WsmanClient({ transport: tcpTransport(sim.host, sim.port), user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password });
  let dir: string | undefined;
  let watchdog: AttachedWatchdog | undefined;
  if (options.watchdog) {
    dir = tempDir();
    watchdog = await attachWatchdog(sim, { path: path.join(dir, 'watchdog0'), ...(options.protocolVersion ? { protocolVersion: options.protocolVersion } : {}) });
  }
  return {
    sim,
    client,
    ...(watchdog ? { watchdog } : {}),
    async close() {
      client.close();
      await watchdog?.close();
      sim.device.dispose();
      await sim.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until every event push started so far has been delivered (or given up). */
export async function deliveries(sim: Simulator): Promise<void> {
  await sim.device.eventing.settled();
}
