/** One simulator per suite with a Digest client as the default admin (before/after hooks registered here). */
import { after, before } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator, type SimulatorOptions } from '../../../server/src/sim';
import { DigestClient } from './helpers';

export function withSimulator(options: SimulatorOptions = {}): { readonly sim: Simulator; readonly client: DigestClient } {
  const box: { sim?: Simulator; client?: DigestClient } = {};
  before(async () => {
    box.sim = await startSimulator({ port: 0, ...options });
    box.client = new DigestClient({ host: box.sim.host, port: box.sim.port }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
  });
  after(() => box.sim?.close());
  return {
    get sim() {
      return box.sim!;
    },
    get client() {
      return box.client!;
    },
  };
}
