import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../../server/src/cli/args';
import { AmtError } from '../../../server/src/errors';

const usage = (re: RegExp) => (e: unknown) => e instanceof AmtError && e.code === 'usage' && re.test(e.message);

describe('parseCommandLine', () => {
  test('defaults to the simulator, admin and text output', () => {
    const inv = parseCommandLine(['identify']);
    assert.equal(inv.target, 'sim');
    assert.equal(inv.output, 'text');
    assert.deepEqual(inv.command, { name: 'identify' });
  });

  test('reads target, credentials and options anywhere on the line', () => {
    const inv = parseCommandLine(['get', 'AMT_GeneralSettings', '--target', 'http://127.0.0.1:1234', '--user', 'u', '--password', 'p', '--json', '--timeout', '2.5']);
    assert.equal(inv.target, 'http://127.0.0.1:1234');
    assert.equal(inv.user, 'u');
    assert.equal(inv.password, 'p');
    assert.equal(inv.output, 'json');
    assert.equal(inv.timeoutMs, 2500);
    assert.deepEqual(inv.command, { name: 'get', className: 'AMT_GeneralSettings', selectors: [] });
  });

  test('collects repeated --param and --selector', () => {
    const inv = parseCommandLine(['invoke', 'C', 'M', '--param', 'A=1', '--param', 'A=2', '--selector', 'K=V']);
    assert.deepEqual(inv.command, { name: 'invoke', className: 'C', method: 'M', params: ['A=1', 'A=2'], selectors: ['K=V'] });
  });

  test('parses sim with port 0 and power commands', () => {
    assert.deepEqual(parseCommandLine(['sim', '--port', '0']).command, { name: 'sim', host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseCommandLine(['power', 'status']).command, { name: 'power-status' });
    assert.deepEqual(parseCommandLine(['power', 'soft-reset']).command, { name: 'power', action: 'soft-reset' });
  });

  test('explains mistakes in one sentence', () => {
    assert.throws(() => parseCommandLine([]), usage(/No command/));
    assert.throws(() => parseCommandLine(['frobnicate']), usage(/not a command/));
    assert.throws(() => parseCommandLine(['--bogus', 'identify']), usage(/bogus/));
    assert.throws(() => parseCommandLine(['power', 'sideways']), usage(/status, on, /));
    assert.throws(() => parseCommandLine(['get']), usage(/needs <Class>/));
    assert.throws(() => parseCommandLine(['put', 'AMT_GeneralSettings']), usage(/--file/));
    assert.throws(() => parseCommandLine(['get', 'X', '--port', '1']), usage(/amtwb sim/));
    assert.throws(() => parseCommandLine(['get', 'X', '--json', '--xml']), usage(/one output format/));
    assert.throws(() => parseCommandLine(['identify', '--target', 'ftp://x']), usage(/neither sim nor a URL/));
    assert.throws(() => parseCommandLine(['identify', '--target', 'http://x', '--insecure-fingerprint', 'AA']), usage(/https/));
    assert.throws(() => parseCommandLine(['identify', '--timeout=-1']), usage(/positive/));
    assert.throws(() => parseCommandLine(['identify', '--timeout', '-1']), usage(/--timeout/));
  });

  test('--help wins over everything else', () => {
    assert.deepEqual(parseCommandLine(['--help', 'bogus']).command, { name: 'help' });
  });
});
