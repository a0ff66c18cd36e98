/** The activation profile (YAML) and AMT's strong-password rule: what is accepted, and the one sentence for what is not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminDigest, passwordProblem, checkStrongPassword } from '../../../../server/src/features/activation/password';
import { parseProfile } from '../../../../server/src/features/activation/profile';

describe("AMT's strong-password rule", () => {
  it('accepts 8 to 32 characters with lower, upper, digit and special character', () => {
    assert.equal(passwordProblem('Act1vate!Now'), undefined);
    assert.equal(passwordProblem('aA1!aaaa'), undefined);
  });
  it('names what a password lacks', () => {
    assert.equal(passwordProblem('aA1!'), 'it has 4 characters');
    assert.equal(passwordProblem('aA1!'.repeat(9)), 'it has 36 characters');
    assert.equal(passwordProblem('ACT1VATE!NOW'), 'it has no lower-case letter');
    assert.equal(passwordProblem('act1vate!now'), 'it has no upper-case letter');
    assert.equal(passwordProblem('Activate!Now'), 'it has no digit');
    assert.equal(passwordProblem('Act1vateNow2'), 'it has no special character');
    assert.equal(passwordProblem('Act1vate:Now'), 'it contains : , " or a space');
  });
  it('refuses in one sentence that names the rule and never the password', () => {
    assert.throws(() => checkStrongPassword('secretpw'), (err: Error) => {
      assert.match(err.message, /^The new AMT admin password is refused because it has no upper-case letter; choose one that follows AMT's strong-password rule: .+\.$/);
      assert.doesNotMatch(err.message, /secretpw/);
      return true;
    });
  });
  it('hashes as MD5 of admin:realm:password in lower-case hex', () => {
    // md5("admin:Digest:A1B2C3:P@ssw0rd"), computed independently with `printf %s … | md5sum`.
    assert.equal(adminDigest('Digest:A1B2C3', 'P@ssw0rd'), 'a414297823ade01dbf1667a9c55b4be3');
  });
});

describe('activation profile', () => {
  const env = { OP_PW: 'Op3rator!x', MPS_PW: 'Mps-Secret9' };
  it('reads every section, passwords from the environment', () => {
    const p = parseProfile(
      'network: { hostName: h1, wired: { dhcp: false, static: { ip: 10.0.0.5, mask: 255.255.255.0 } } }\n' +
        'redirection: { sol: true, kvm: false, userConsent: kvm }\n' +
        'users: [ { name: op, passwordEnv: OP_PW, realms: [13, 2, 2], access: local } ]\n' +
        'cira: { server: mps.example.com, user: u1, passwordEnv: MPS_PW }\n',
      'p.yaml', env,
    );
    assert.deepEqual(p.network, { hostName: 'h1', wired: { dhcp: false, static: { ip: '10.0.0.5', mask: '255.255.255.0' } } });
    assert.deepEqual(p.redirection, { sol: true, kvm: false, userConsent: 'kvm' });
    assert.deepEqual(p.users, [{ name: 'op', password: 'Op3rator!x', realms: [2, 13], access: 'local' }]);
    assert.equal(p.cira?.port, 4433);
    assert.equal(p.cira?.trigger, 'periodic');
    assert.equal(p.cira?.password, 'Mps-Secret9');
  });
  const refusals: [string, RegExp][] = [
    ['redirection: { kvmm: true }\n', /^p\.yaml: redirection\.kvmm is not a profile key/],
    ['network: { wired: { dhcp: false } }\n', /network\.wired\.dhcp is false, so network\.wired\.static \(ip, mask\) is required/],
    ['users: [ { name: op, passwordEnv: NOT_SET, realms: [2] } ]\n', /users\[0\]\.passwordEnv names NOT_SET, which is not set in the environment/],
    ['users: [ { name: admin, passwordEnv: OP_PW, realms: [2] } ]\n', /users\[0\]\.name is the built-in admin/],
    ['cira: { server: mps, user: u1, passwordEnv: MPS_PW, port: 70000 }\n', /cira\.port must be a port number/],
    ['tls: { enabled: true }\n', /tls is not applied by this version of amtwb configure yet/],
    ['redirection: [\n', /^p\.yaml is not valid YAML/],
  ];
  for (const [text, expected] of refusals) {
    it(`refuses ${text.trim()} with one sentence`, () => {
      assert.throws(() => parseProfile(text, 'p.yaml', env), (err: Error) => {
        assert.match(err.message, expected);
        assert.ok(err.message.endsWith('.'), err.message);
        assert.doesNotMatch(err.message, /Op3rator|Mps-Secret/);
        return true;
      });
    });
  }
});
