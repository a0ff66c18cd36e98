/** startSimulator's hostUser/hostPassword reach the simulated host OS (amtwb sim --host-user/--host-password). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../../server/src/sim';
import { ConsoleReader } from '../../unit/sim/host/helpers';

test('the simulated OS logs in with the account startSimulator was given, not the default', async () => {
  const sim = await startSimulator({ port: 0, hostUser: 'operator', hostPassword: 'Op3rator!', hostLineDelayMs: 0 });
  try {
    const c = new ConsoleReader(sim.device);
    await c.refusedLogin('root', 'amt');
    await c.login('operator', 'Op3rator!');
    assert.equal(await c.run('whoami', 'operator@'), 'operator\r\n');
  } finally {
    await sim.close();
  }
});
