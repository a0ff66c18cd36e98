/** The extension's embedded simulator (targets/registry.ts) serves redirection on a free port the product can find. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ACCOUNT } from '../../../../server/src/sim';
import { TargetRegistry } from '../../../../server/src/targets/registry';
import { Console, sessionEnd } from './console';

test('the embedded simulator exposes a redirection port that answers a SOL log-on', async (t) => {
  const registry = new TargetRegistry();
  t.after(() => registry.dispose());
  const sim = await registry.simulator();
  assert.ok(sim.redirectionPort !== undefined && sim.redirectionPort > 0, 'a redirection port was bound');
  const c = await Console.tcp(sim.redirectionPort);
  assert.deepEqual(await c.logOn('SOL ', DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password), { start: 0, auth: 0 });
  const end = sessionEnd(sim.device);
  c.close();
  await end;
});
