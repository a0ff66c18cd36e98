/** `amtwb sim --host-user U --host-password P`: the simulated host OS's login on its serial console. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommandLine } from '../../../server/src/cli/args';

describe('amtwb sim --host-user / --host-password', () => {
  test('reach the sim command and are absent by default', () => {
    const inv = parseCommandLine(['sim', '--host-user', 'ops', '--host-password', 'pw']);
    assert.deepEqual(inv.command.name === 'sim' && [inv.command.hostUser, inv.command.hostPassword], ['ops', 'pw']);
    const none = parseCommandLine(['sim']);
    assert.equal(none.command.name === 'sim' && ('hostUser' in none.command || 'hostPassword' in none.command), false);
  });

  test('a bad login name, an empty password or another command is a usage error naming the fix', () => {
    assert.throws(() => parseCommandLine(['sim', '--host-user', 'a b']), /--host-user "a b" is not a login name; give letters/);
    assert.throws(() => parseCommandLine(['sim', '--host-password', '']), /--host-password needs a password/);
    assert.throws(() => parseCommandLine(['identify', '--host-user', 'ops']), /--host-user does not apply to "identify"; it is used with amtwb sim/);
  });
});
