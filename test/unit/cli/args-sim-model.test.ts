/** `amtwb sim --model` and `--amt`: the simulated device's hardware kind and firmware family. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine } from '../../../server/src/cli/args';
import { AmtError } from '../../../server/src/errors';

const usage = (re: RegExp) => (e: unknown) => e instanceof AmtError && e.code === 'usage' && re.test(e.message);

test('sim takes --model and --amt', () => {
  assert.deepEqual(parseCommandLine(['sim', '--port', '0', '--model', 'desktop', '--amt', '12']).command, {
    name: 'sim', host: '127.0.0.1', port: 0, model: 'desktop', amt: 12,
  });
  assert.deepEqual(parseCommandLine(['sim', '--amt', '18']).command, { name: 'sim', host: '127.0.0.1', port: 16992, amt: 18 });
});

test('an unknown model or family, or the options on another command, are explained in one sentence', () => {
  assert.throws(() => parseCommandLine(['sim', '--model', 'server']), usage(/--model "server" is not a device model; give laptop or desktop/));
  assert.throws(() => parseCommandLine(['sim', '--amt', '13']), usage(/give 11, 12, 16 or 18/));
  assert.throws(() => parseCommandLine(['identify', '--model', 'laptop']), usage(/--model does not apply to "identify"; it is used with amtwb sim/));
});
