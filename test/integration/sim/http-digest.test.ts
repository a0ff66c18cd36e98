/**
 * The simulator's HTTP front as an AMT client meets it: Digest challenge and log-on, stale nonces,
 * AMT's headers, chunked SOAP replies, and the paths besides /wsman.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { build, DigestClient, digestHeader, parseChallenge, payload, rawRequest, type Target } from './helpers';

describe('simulator HTTP and Digest', () => {
  let sim: Simulator;
  let target: Target;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    target = { host: sim.host, port: sim.port };
  });
  after(() => sim.close());

  const challenge = async () => {
    const r = await rawRequest(target, { body: build.get('AMT_GeneralSettings') });
    assert.equal(r.status, 401);
    return parseChallenge(r.headers['www-authenticate'] as string);
  };

  test('a request without Authorization gets AMT\'s 401 challenge, HTML body and Connection: close', async () => {
    const r = await rawRequest(target, { body: build.get('AMT_GeneralSettings') });
    assert.equal(r.status, 401);
    assert.match(
      r.headers['www-authenticate'] as string,
      /^Digest realm="Digest:[0-9A-F]{32}", nonce="[A-Za-z0-9+/]{32}",stale="false",qop="auth"$/,
    );
    assert.equal(parseChallenge(r.headers['www-authenticate'] as string).realm, sim.device.identity.realm);
    assert.equal(r.headers['content-type'], 'text/html');
    assert.equal(r.headers.connection, 'close');
    assert.match(r.headers.server as string, /^Intel\(R\) Active Management Technology 16\.1\.25\.\d+$/);
    assert.match(r.body, /Log on failed/);
  });

  test('each challenge carries a fresh nonce', async () => {
    const [a, b] = [await challenge(), await challenge()];
    assert.notEqual(a.nonce, b.nonce);
  });

  test('the default account logs on and gets a chunked SOAP reply with AMT headers', async () => {
    const client = new DigestClient(target, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
    const r = await client.post(build.get('AMT_GeneralSettings'));
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/soap+xml; charset=UTF-8');
    assert.equal(r.headers['transfer-encoding'], 'chunked');
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.equal(payload(r.body).local, 'AMT_GeneralSettings');
    assert.doesNotMatch(r.body, />\s+</, 'no whitespace between elements');
  });

  test('a wrong password is refused with 401 and counted as one failed log-on', async () => {
    const before = sim.device.failedLogins;
    const c = await challenge();
    const auth = digestHeader({ user: 'admin', password: 'wrong', challenge: c, nc: '00000001' });
    const r = await rawRequest(target, { body: build.get('AMT_GeneralSettings'), headers: { Authorization: auth } });
    assert.equal(r.status, 401);
    assert.equal(parseChallenge(r.headers['www-authenticate'] as string).stale, 'false');
    assert.equal(sim.device.failedLogins - before, 1);
  });

  test('an unknown user is refused like a wrong password', async () => {
    const c = await challenge();
    const auth = digestHeader({ user: 'nobody', password: DEFAULT_ACCOUNT.password, challenge: c, nc: '00000001' });
    const r = await rawRequest(target, { body: build.get('AMT_GeneralSettings'), headers: { Authorization: auth } });
    assert.equal(r.status, 401);
  });

  test('a correct response on an expired nonce gets 401 with stale="true"', async () => {
    const c = await challenge();
    sim.device.advance(sim.device.settings.nonceLifetimeMs + 1000);
    const before = sim.device.failedLogins;
    const auth = digestHeader({ user: 'admin', password: DEFAULT_ACCOUNT.password, challenge: c, nc: '00000001' });
    const r = await rawRequest(target, { body: build.get('AMT_GeneralSettings'), headers: { Authorization: auth } });
    assert.equal(r.status, 401);
    assert.equal(parseChallenge(r.headers['www-authenticate'] as string).stale, 'true');
    assert.equal(sim.device.failedLogins, before, 'a stale nonce is not a failed log-on');
  });

  test('nc may be MeshCentral\'s plain decimal and must grow for each nonce', async () => {
    const c = await challenge();
    const send = (nc: string) =>
      rawRequest(target, {
        body: build.get('AMT_GeneralSettings'),
        headers: { Authorization: digestHeader({ user: 'admin', password: DEFAULT_ACCOUNT.password, challenge: c, nc }) },
      });
    assert.equal((await send('6')).status, 200);
    assert.equal((await send('00000007')).status, 200);
    assert.equal((await send('7')).status, 401, 'a repeated nc is a replay');
  });

  test('AMT 16.1 style qop="auth-int, auth" can be advertised and qop=auth still logs on', async () => {
    sim.device.settings.digestQop = 'auth-int, auth';
    try {
      const r = await rawRequest(target, { body: build.get('AMT_GeneralSettings') });
      assert.match(r.headers['www-authenticate'] as string, /,qop="auth-int, auth"$/);
      const client = new DigestClient(target, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
      assert.equal((await client.post(build.get('AMT_GeneralSettings'))).status, 200);
    } finally {
      sim.device.settings.digestQop = 'auth';
    }
  });

  test('Identify is answered without authentication unless the device requires it', async () => {
    const open = await rawRequest(target, { body: build.identify() });
    assert.equal(open.status, 200);
    assert.equal(payload(open.body).local, 'IdentifyResponse');
    sim.device.settings.identifyRequiresAuth = true;
    try {
      assert.equal((await rawRequest(target, { body: build.identify() })).status, 401);
    } finally {
      sim.device.settings.identifyRequiresAuth = false;
    }
  });

  test('GET / serves a small page, other paths are 404 and /wsman takes only POST', async () => {
    const home = await rawRequest(target, { method: 'GET', path: '/' });
    assert.equal(home.status, 200);
    assert.match(home.body, /POST \/wsman/);
    assert.equal((await rawRequest(target, { method: 'GET', path: '/nothing' })).status, 404);
    assert.equal((await rawRequest(target, { method: 'GET', path: '/wsman' })).status, 405);
  });

  test('several requests share one keep-alive connection', async () => {
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const c = await challenge();
      const ports = new Set<number>();
      for (let i = 1; i <= 3; i++) {
        const auth = digestHeader({ user: 'admin', password: DEFAULT_ACCOUNT.password, challenge: c, nc: String(i).padStart(8, '0') });
        const body = build.get('AMT_GeneralSettings');
        const port = await new Promise<number>((resolve, reject) => {
          const req = http.request(
            { host: target.host, port: target.port, method: 'POST', path: '/wsman', agent, headers: { Authorization: auth, 'Content-Length': Buffer.byteLength(body) } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(req.socket!.localPort!));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
        ports.add(port);
      }
      assert.equal(ports.size, 1);
    } finally {
      agent.destroy();
    }
  });
});
