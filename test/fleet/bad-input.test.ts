/**
 * What goes wrong around an MPS, and what the product says: MPS not running (one sentence with its
 * URL), wrong MPS credentials (refused once, never sent again), a device whose tunnel drops in the
 * middle of a request (that request fails clearly, the others succeed), a device MPS knows but that
 * is not connected, and a server that answers garbage (a typed error, no crash).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { WebSocketServer } from 'ws';
import { AmtError } from '../../server/src/errors';
import { FleetServers, bulkPowerState } from '../../server/src/features/fleet';
import { MpsClient } from '../../server/src/targets/mps';
import { TargetRegistry } from '../../server/src/targets/registry';
import { DEFAULT_ACCOUNT } from '../../server/src/sim';
import { freePort } from './harness/ports';
import { startFleetRig, type FleetRig } from './harness/rig';

const run = promisify(execFile);

const oneSentence = (text: string) => {
  assert.doesNotMatch(text, /\n/, 'one line');
  assert.match(text, /^[A-Z].*[.]$/, 'one sentence');
};

/** A TCP relay in front of MPS's web port that counts `POST /api/v1/authorize` requests. */
async function countingProxy(port: number): Promise<{ url: string; authorizations: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    client.on('data', (d: Buffer) => {
      count += (d.toString('latin1').match(/^POST \/api\/v1\/authorize /gm) ?? []).length;
    });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    authorizations: () => count,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A loopback server that plays an MPS answering nonsense. */
async function garbageServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('MPS not running', () => {
  test('one sentence naming its URL', async () => {
    const port = await freePort();
    const client = new MpsClient({ url: `mps://127.0.0.1:${port}`, user: 'admin', password: 'whatever-1' });
    await assert.rejects(client.devices(), (e: unknown) => {
      assert.ok(e instanceof AmtError);
      assert.match(e.message, new RegExp(`The MPS at http://127\\.0\\.0\\.1:${port} could not be reached \\(ECONNREFUSED\\); check that it is running`));
      oneSentence(e.message);
      return true;
    });
  });

  test('amtwb fleet list says the same on one line and exits 1', async () => {
    const port = await freePort();
    const r = await run(process.execPath, ['dist/cli.js', 'fleet', 'list', '--target', `mps://127.0.0.1:${port}`], { env: { ...process.env, AMT_MPS_PASSWORD: 'whatever-1' } })
      .then(() => assert.fail('fleet list should fail'), (e: { code: number; stderr: string }) => e);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, new RegExp(`^amtwb: The MPS at http://127\\.0\\.0\\.1:${port} could not be reached`));
    assert.doesNotMatch(r.stderr, /whatever-1/);
  });
});

describe('with the real MPS', () => {
  let rig: FleetRig;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  before(async () => {
    rig = await startFleetRig(3, 'bad-input');
    proxy = await countingProxy(rig.mps.webPort);
  }, { timeout: 600_000 });
  after(async () => {
    await proxy?.close();
    await rig?.close();
  });

  test('wrong MPS credentials are refused once and never sent again', async () => {
    const servers = new FleetServers();
    servers.add(proxy.url, rig.mps.admin.user);
    await assert.rejects(servers.connect(proxy.url, 'not-the-password'), (e: unknown) => {
      assert.ok(e instanceof AmtError && e.code === 'mps.auth');
      assert.match(e.message, /refused the user "fleetadmin" and its password, so they are not sent again/);
      oneSentence(e.message);
      return true;
    });
    assert.equal(proxy.authorizations(), 1);
    const client = new MpsClient({ url: proxy.url, user: rig.mps.admin.user, password: 'not-the-password' });
    await assert.rejects(client.devices(), (e: unknown) => e instanceof AmtError && e.code === 'mps.auth');
    await assert.rejects(client.devices(), (e: unknown) => e instanceof AmtError && e.code === 'mps.auth');
    await assert.rejects(client.powerState(rig.fleet.devices[0]!.guid), (e: unknown) => e instanceof AmtError && e.code === 'mps.auth');
    assert.equal(proxy.authorizations(), 2, 'the second client asked once, then never again');
    assert.throws(() => servers.client(proxy.url), (e: unknown) => e instanceof AmtError && /Not logged in to the MPS/.test(e.message));
  });

  test('a device that drops its tunnel mid-request fails that request; the others go on', { timeout: 60_000 }, async () => {
    const client = new MpsClient({ url: rig.mps.webUrl, user: rig.mps.admin.user, password: rig.mps.admin.password, timeoutMs: 8000 });
    const [a, b, c] = rig.fleet.devices;
    // The device loses its network the moment MPS's power-state request reaches it.
    const drop = () => b!.agent.drop();
    b!.sim.device.once('request', drop);
    const result = await bulkPowerState(client, [a!.guid, b!.guid, c!.guid], { concurrency: 3 });
    assert.equal(result.items[0]!.ok, true, result.items[0]!.error);
    assert.equal(result.items[2]!.ok, true, result.items[2]!.error);
    const failed = result.items[1]!;
    assert.equal(failed.ok, false);
    assert.match(failed.error!, new RegExp(`The MPS at ${rig.mps.webUrl.replace(/\./g, '\\.')} did not answer for device ${b!.guid} within 8 s; its CIRA tunnel may have dropped`));
    oneSentence(failed.error!);
    await b!.agent.whenConnected(30_000);
    assert.equal(await client.powerState(b!.guid), 2, 'after reconnecting the device answers again');
  });

  test('a device MPS knows but that is not connected is named as such', async () => {
    const guid = '3f0c7a52-2b1d-4e8f-9a6b-5c4d3e2f1a0b';
    await rig.mps.register({ guid, hostname: 'never-dials', mpsUser: 'admin', mpsPassword: 'x', amtPassword: DEFAULT_ACCOUNT.password });
    const client = new MpsClient({ url: rig.mps.webUrl, user: rig.mps.admin.user, password: rig.mps.admin.password });
    await assert.rejects(client.powerState(guid), (e: unknown) => {
      assert.ok(e instanceof AmtError && e.code === 'mps.not-connected', String(e));
      assert.match(e.message, new RegExp(`Device ${guid} is not connected to the MPS at`));
      oneSentence(e.message);
      return true;
    });
    const registry = new TargetRegistry({ simulator: false });
    try {
      const id = registry.add({ kind: 'mps', guid, server: () => client }).id;
      await assert.rejects(registry.connect(id, DEFAULT_ACCOUNT).then((w) => w.get('AMT_GeneralSettings')), (e: unknown) => e instanceof AmtError && e.message.includes(guid));
    } finally {
      await registry.dispose();
    }
  });
});

describe('a server that answers garbage', () => {
  test('HTML instead of JSON is a typed error', async () => {
    const s = await garbageServer((_req, res) => res.end('<html><body>It works!</body></html>'));
    try {
      const client = new MpsClient({ url: s.url, user: 'admin', password: 'pw-1' });
      await assert.rejects(client.devices(), (e: unknown) => {
        assert.ok(e instanceof AmtError && e.code === 'mps.garbage', String(e));
        assert.match(e.message, new RegExp(`The MPS at ${s.url.replace(/\./g, '\\.')} answered /api/v1/authorize with something MPS does not send`));
        oneSentence(e.message);
        return true;
      });
    } finally {
      await s.close();
    }
  });

  test('JSON of the wrong shape is a typed error', async () => {
    const token = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.sig`;
    const s = await garbageServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/v1/authorize') return res.end(JSON.stringify({ token }));
      if (req.url?.startsWith('/api/v1/devices')) return res.end(JSON.stringify({ data: [{ id: 7 }], totalCount: 1 }));
      res.end(JSON.stringify({ powerstate: 'very on' }));
    });
    try {
      const client = new MpsClient({ url: s.url, user: 'admin', password: 'pw-1' });
      await assert.rejects(client.devices(), (e: unknown) => e instanceof AmtError && e.code === 'mps.garbage' && /a device without guid/.test(e.message));
      await assert.rejects(client.powerState('3f0c7a52-2b1d-4e8f-9a6b-5c4d3e2f1a0b'), (e: unknown) => e instanceof AmtError && e.code === 'mps.garbage' && /no powerstate/.test(e.message));
    } finally {
      await s.close();
    }
  });

  test('a relay that sends noise instead of HTTP fails the WS-Man request with a typed error', async () => {
    const token = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.sig`;
    const wss = new WebSocketServer({ noServer: true });
    const server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token }));
    });
    server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', () => ws.send(Buffer.from('\x00\x01garbage that is not HTTP\r\n\r\n')));
    }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const client = new MpsClient({ url: `http://127.0.0.1:${port}`, user: 'admin', password: 'pw-1', timeoutMs: 5000 });
    const registry = new TargetRegistry({ simulator: false, timeoutMs: 5000 });
    try {
      const id = registry.add({ kind: 'mps', guid: '3f0c7a52-2b1d-4e8f-9a6b-5c4d3e2f1a0b', server: () => client }).id;
      const w = await registry.connect(id, DEFAULT_ACCOUNT);
      await assert.rejects(w.get('AMT_GeneralSettings'), (e: unknown) => {
        assert.ok(e instanceof AmtError, String(e));
        oneSentence(e.message.trim());
        return true;
      });
    } finally {
      await registry.dispose();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
