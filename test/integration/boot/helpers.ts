/** A simulator and a product WS-Man client on a real socket, plus the requests the device read. */
import { startSimulator, DEFAULT_ACCOUNT, type Simulator, type SimulatorOptions } from '../../../server/src/sim';
import { WsmanClient, tcpTransport } from '../../../server/src/wsman';

export interface Bench {
  sim: Simulator;
  client: WsmanClient;
  /** Actions of every request the device read since start (or since `actions.length = 0`). */
  actions: string[];
  /** The ones that are not reads (Put, Create, Delete, methods). */
  writes(): string[];
  /** Redacted wire trace lines the client produced. */
  trace: string[];
  close(): Promise<void>;
}

const READ = /\/(Get|Enumerate|Pull|Release|Identify)$/;

export async function bench(opts: SimulatorOptions = {}, account = DEFAULT_ACCOUNT): Promise<Bench> {
  const sim = await startSimulator({ port: 0, ...opts });
  const trace: string[] = [];
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', sim.port), ...account, trace: (e) => trace.push(e.text) });
  const actions: string[] = [];
  sim.device.on('request', (r: { action?: string }) => actions.push(r.action ?? 'Identify'));
  return {
    sim, client, actions, trace,
    writes: () => actions.filter((a) => !READ.test(a) && a !== 'Identify'),
    async close() {
      client.close();
      await sim.close();
    },
  };
}
