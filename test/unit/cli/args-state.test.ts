/** `amtwb sim --state FILE`: parsed for sim only, with a file name. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommandLine } from '../../../server/src/cli/args';

const usage = (re: RegExp) => (err: unknown) => err instanceof Error && re.test(err.message);

describe('amtwb sim --state', () => {
  test('is carried to the sim command', () => {
    assert.deepEqual(parseCommandLine(['sim', '--port', '0', '--state', 'device.json']).command, { name: 'sim', host: '127.0.0.1', port: 0, state: 'device.json' });
  });

  test('is refused elsewhere and without a file name, in one sentence', () => {
    assert.throws(() => parseCommandLine(['identify', '--state', 'device.json']), usage(/--state does not apply to "identify"; it is used with amtwb sim\./));
    assert.throws(() => parseCommandLine(['sim', '--state', '']), usage(/--state needs a file name/));
  });
});
