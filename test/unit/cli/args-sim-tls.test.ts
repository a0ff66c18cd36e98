/** `amtwb sim --tls-port N`: WS-Man over TLS on a second port, as AMT serves it on 16993. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommandLine } from '../../../server/src/cli/args';

describe('amtwb sim --tls-port', () => {
  test('takes a port (0 = any free one) and is absent by default', () => {
    const inv = parseCommandLine(['sim', '--port', '16992', '--tls-port', '16993']);
    assert.equal(inv.command.name === 'sim' && inv.command.tlsPort, 16993);
    const zero = parseCommandLine(['sim', '--tls-port', '0']);
    assert.equal(zero.command.name === 'sim' && zero.command.tlsPort, 0);
    const none = parseCommandLine(['sim']);
    assert.equal(none.command.name === 'sim' && 'tlsPort' in none.command, false);
  });

  test('a value that is no port, or another command, is a usage error naming the fix', () => {
    assert.throws(() => parseCommandLine(['sim', '--tls-port', 'https']), /--tls-port "https" is not a port number; give 0 to 65535/);
    assert.throws(() => parseCommandLine(['sim', '--tls-port', '70000']), /not a port number/);
    assert.throws(() => parseCommandLine(['identify', '--tls-port', '16993']), /--tls-port does not apply to "identify"; it is used with amtwb sim/);
  });
});
