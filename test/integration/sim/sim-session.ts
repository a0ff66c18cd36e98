/**
 * One simulator per describe block with a Digest client for the default admin, and the method
 * call most tests need (outputs by name, ReturnValue included).
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator, type SimulatorOptions } from '../../../server/src/sim';
import { build, DigestClient, payload, props } from './helpers';

export interface SimSession {
  readonly sim: Simulator;
  readonly client: DigestClient;
  /** Invokes a method with scalar inputs; returns the outputs (arrays repeated) and ReturnValue as text. */
  call(cls: string, method: string, inputs?: Record<string, string | number | boolean>, selectors?: Record<string, string>): Promise<Record<string, string | string[]>>;
}

/** Registers before/after hooks; the returned object is usable inside tests. */
export function simSession(options: SimulatorOptions = {}): SimSession {
  let sim: Simulator | undefined;
  let client: DigestClient | undefined;
  before(async () => {
    sim = await startSimulator({ port: 0, ...options });
    client = new DigestClient({ host: sim.host, port: sim.port }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
  });
  after(() => sim?.close());
  const session: SimSession = {
    get sim() {
      return sim!;
    },
    get client() {
      return client!;
    },
    async call(cls, method, inputs = {}, selectors) {
      const xml = Object.entries(inputs).map(([k, v]) => `<h:${k}>${String(v)}</h:${k}>`).join('');
      const reply = await session.client.post(build.invoke(cls, method, xml, selectors));
      assert.equal(reply.status, 200, reply.body);
      const out = payload(reply.body);
      assert.equal(out.local, `${method}_OUTPUT`);
      return props(out);
    },
  };
  return session;
}
