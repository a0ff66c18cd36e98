/** Routing `amtwb watchdog|log|events|agent`: the command, its own arguments, the global options. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitFeatureCommand } from '../../../server/src/cli/feature-commands';

test('global options go to cli.ts, the rest to the command, wherever they stand', () => {
  const s = splitFeatureCommand(['--target', 'http://h:16992', 'log', '--json', '-u', 'admin', '--password=x', '--trace']);
  assert.equal(s?.name, 'log');
  assert.deepEqual(s?.globals, ['--target', 'http://h:16992', '-u', 'admin', '--password=x', '--trace']);
  assert.deepEqual(s?.args, ['--json']);
});

test('after "watchdog", --timeout is the watchdog timeout, not the request timeout', () => {
  const s = splitFeatureCommand(['watchdog', 'keepalive', '--timeout', '300', '--device', '/dev/watchdog1']);
  assert.deepEqual(s?.args, ['keepalive', '--timeout', '300', '--device', '/dev/watchdog1']);
  assert.deepEqual(s?.globals, []);
  assert.deepEqual(splitFeatureCommand(['--timeout', '10', 'log'])?.globals, ['--timeout', '10']);
});

test('other commands are left to cli.ts', () => {
  assert.equal(splitFeatureCommand(['get', 'AMT_GeneralSettings']), undefined);
  assert.equal(splitFeatureCommand(['--target', 'log']), undefined, '"log" is the value of --target here');
  assert.equal(splitFeatureCommand([]), undefined);
});
