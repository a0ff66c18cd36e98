import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../../server/src/cli/args';
import { AmtError } from '../../../server/src/errors';

const usage = (re: RegExp) => (e: unknown) => e instanceof AmtError && e.code === 'usage' && re.test(e.message);

describe('parseCommandLine: AMT on this machine', () => {
  test('local, lms and auto are targets; --mei names the device', () => {
    const inv = parseCommandLine(['--target', 'local', '--mei', '/tmp/mei0', 'get', 'AMT_GeneralSettings', '--json']);
    assert.equal(inv.target, 'local');
    assert.equal(inv.meiPath, '/tmp/mei0');
    assert.equal(inv.user, undefined, 'no --user: the local system account');
    assert.equal(parseCommandLine(['--target', 'lms', 'identify']).target, 'lms');
    assert.equal(parseCommandLine(['--target', 'auto', 'power', 'status']).target, 'auto');
  });

  test('info needs a local target', () => {
    assert.deepEqual(parseCommandLine(['--target', 'local', 'info']).command, { name: 'info' });
    assert.throws(() => parseCommandLine(['info']), usage(/--target local/));
    assert.throws(() => parseCommandLine(['--target', 'http://h', 'info']), usage(/MEI device/));
    assert.throws(() => parseCommandLine(['--target', 'local', 'info', '--xml']), usage(/--xml does not apply/));
  });

  test('sim --mei PATH and lms --listen HOST:PORT', () => {
    assert.deepEqual(parseCommandLine(['sim', '--mei', '/tmp/m', '--port', '0']).command, { name: 'sim', host: '127.0.0.1', port: 0, mei: '/tmp/m' });
    assert.deepEqual(parseCommandLine(['lms']).command, { name: 'lms', host: '127.0.0.1', port: 16992 });
    assert.deepEqual(parseCommandLine(['lms', '--listen', '127.0.0.1:0', '--mei', '/tmp/m']).command, { name: 'lms', host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseCommandLine(['lms', '--listen', '[::1]:16993']).command, { name: 'lms', host: '::1', port: 16993 });
    assert.equal(parseCommandLine(['lms', '--mei', '/tmp/m']).meiPath, '/tmp/m');
  });

  test('mistakes get one sentence', () => {
    assert.throws(() => parseCommandLine(['lms', '--listen', 'nowhere']), usage(/not an address/));
    assert.throws(() => parseCommandLine(['lms', '--target', 'local']), usage(/does not apply to "lms"/));
    assert.throws(() => parseCommandLine(['get', 'X', '--listen', '1']), usage(/amtwb lms/));
    assert.throws(() => parseCommandLine(['--mei', '/tmp/m', 'identify']), usage(/--mei applies to --target local/));
    assert.throws(() => parseCommandLine(['--target', 'lcoal', 'identify']), usage(/neither sim nor a URL/));
  });
});
