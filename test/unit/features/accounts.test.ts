/** AMT's strong-password rule, the digest AMT stores, realm names and the lock-out warnings (features/accounts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { digestA1Hex, digestPassword, lockoutRisk, passwordProblem, realmByName } from '../../../server/src/features/accounts';
import type { AccountsInfo } from '../../../server/src/protocol';

describe('the strong-password rule', () => {
  test('accepts 8 to 32 characters with upper, lower, digit and a symbol', () => {
    assert.equal(passwordProblem('Abcdef1!'), undefined);
    assert.equal(passwordProblem(`A1!${'b'.repeat(29)}`), undefined);
  });
  test('names what is wrong', () => {
    assert.equal(passwordProblem('Ab1!'), 'it has 4 characters, fewer than 8');
    assert.equal(passwordProblem(`A1!${'b'.repeat(30)}`), 'it has 33 characters, more than 32');
    assert.equal(passwordProblem('abcdefg1!'), 'it lacks an upper-case letter');
    assert.equal(passwordProblem('abcdefgh'), 'it lacks an upper-case letter and a digit and a character that is not a letter or digit');
    for (const bad of ['Abcdef1"x', 'Abcdef1,x', 'Abcdef1:x']) assert.equal(passwordProblem(bad), 'it contains " , or :');
  });
});

test('the digest is MD5 of user:realm:password, carried as its 16 bytes in base64', () => {
  // RFC 2617 3.5's example A1 inputs.
  assert.equal(digestA1Hex('Mufasa', 'testrealm@host.com', 'Circle Of Life'), '939e7578ed9e3c518a452acee763bce9');
  assert.equal(Buffer.from(digestPassword('Mufasa', 'testrealm@host.com', 'Circle Of Life'), 'base64').toString('hex'), '939e7578ed9e3c518a452acee763bce9');
});

test('realms by name, dashed name or number', () => {
  assert.equal(realmByName('remote-control')?.id, 5);
  assert.equal(realmByName('PT Administration')?.id, 3);
  assert.equal(realmByName('21')?.name, 'ACL');
  assert.equal(realmByName('0'), undefined);
});

describe('lock-out warnings', () => {
  const info: AccountsInfo = {
    admin: { user: 'admin' }, digestRealm: 'Digest:X', realms: [],
    users: [
      { handle: 1, user: 'ops', permission: 2, permissionLabel: '', realms: [3], realmNames: [], enabled: true, system: false },
      { handle: 2, user: 'viewer', permission: 2, permissionLabel: '', realms: [13], realmNames: [], enabled: true, system: false },
    ],
  };
  test('removing, disabling or demoting the account signed in with', () => {
    assert.match(lockoutRisk(info, { kind: 'remove', handle: 1 }, 'ops')!, /^Removing "ops" locks you out/);
    assert.match(lockoutRisk(info, { kind: 'disable', handle: 1 }, 'ops')!, /^Disabling "ops" locks you out/);
    assert.match(lockoutRisk(info, { kind: 'update', handle: 1, realms: [5] }, 'ops')!, /locks you out/);
    assert.equal(lockoutRisk(info, { kind: 'update', handle: 1, realms: [3, 5] }, 'ops'), undefined);
  });
  test('the last PT Administration user, whoever is signed in', () => {
    assert.match(lockoutRisk(info, { kind: 'remove', handle: 1 }, 'admin')!, /leaves no user account with PT Administration/);
    assert.equal(lockoutRisk(info, { kind: 'remove', handle: 2 }, 'admin'), undefined);
  });
  test('the admin password only when signed in as the admin', () => {
    assert.match(lockoutRisk(info, { kind: 'admin' }, 'admin')!, /You are signed in as "admin"/);
    assert.equal(lockoutRisk(info, { kind: 'admin' }, 'ops'), undefined);
  });
});
