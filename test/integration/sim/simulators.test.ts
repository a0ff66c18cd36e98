/** Several simulators in one process, TLS, and HTTP over an arbitrary Duplex (as an APF channel delivers it). */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT } from '../../../server/src/sim';
import { build, DigestClient, HOST_EPR_INPUT, payload, props, rawRequest } from './helpers';

describe('simulators side by side', () => {
  test('two simulators in one process keep separate identities and state', async () => {
    const [a, b] = await Promise.all([startSimulator({ port: 0, name: 'left' }), startSimulator({ port: 0, name: 'right', password: 'Other#Pass1' })]);
    try {
      assert.notEqual(a.port, b.port);
      assert.notEqual(a.device.identity.realm, b.device.identity.realm);
      assert.notEqual(a.device.identity.uuid, b.device.identity.uuid);
      const ca = new DigestClient({ host: a.host, port: a.port }, 'admin', DEFAULT_ACCOUNT.password);
      const cb = new DigestClient({ host: b.host, port: b.port }, 'admin', 'Other#Pass1');

      const off = await ca.post(build.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', `<h:PowerState>8</h:PowerState>${HOST_EPR_INPUT}`));
      assert.equal(props(payload(off.body)).ReturnValue, '0');
      assert.equal(a.device.powerState, 8);
      assert.equal(b.device.powerState, 2, 'the other device is still on');

      const realmB = props(payload((await cb.post(build.get('AMT_GeneralSettings'))).body)).DigestRealm;
      assert.equal(realmB, b.device.identity.realm);
      const wrong = new DigestClient({ host: b.host, port: b.port }, 'admin', DEFAULT_ACCOUNT.password);
      assert.equal((await wrong.post(build.get('AMT_GeneralSettings'))).status, 401, 'accounts are per device');

      a.device.advance(3_600_000);
      assert.ok(a.device.now() - b.device.now() >= 3_599_000, 'clocks are per device');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('a named device keeps its UUID and realm across starts', async () => {
    const first = await startSimulator({ port: 0, name: 'stable' });
    const realm = first.device.identity.realm;
    await first.close();
    const second = await startSimulator({ port: 0, name: 'stable' });
    try {
      assert.equal(second.device.identity.realm, realm);
      assert.match(realm, /^Digest:[0-9A-F]{32}$/);
    } finally {
      await second.close();
    }
  });

  test('url, host and port describe where the simulator listens', async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      assert.equal(sim.host, '127.0.0.1');
      assert.equal(sim.url, `http://127.0.0.1:${sim.port}/wsman`);
    } finally {
      await sim.close();
    }
  });
});

describe('handleConnection', () => {
  /**
   * Two PassThrough streams crossed into a client end and a server end. Destroying a composed
   * Duplex aborts the PassThroughs inside it; they belong to this test, which ignores that.
   */
  function duplexPair(): [Duplex, Duplex] {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const ends = [Duplex.from({ readable: toClient, writable: toServer }), Duplex.from({ readable: toServer, writable: toClient })];
    for (const s of [toServer, toClient, ...ends]) s.on('error', () => {});
    return ends as [Duplex, Duplex];
  }

  test('HTTP with Digest works over an in-memory Duplex pair fed to the simulator', async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      const target = {
        host: 'in-memory',
        port: 16992,
        connect: () => {
          const [client, server] = duplexPair();
          sim.handleConnection(server);
          return client;
        },
      };
      const challenge = await rawRequest(target, { body: build.get('AMT_GeneralSettings') });
      assert.equal(challenge.status, 401);
      const client = new DigestClient(target, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
      const r = await client.post(build.get('AMT_GeneralSettings'));
      assert.equal(r.status, 200);
      assert.equal(props(payload(r.body)).DigestRealm, sim.device.identity.realm);
    } finally {
      await sim.close();
    }
  });

  test('close() also ends connections that were fed in', async () => {
    const sim = await startSimulator({ port: 0 });
    const [, server] = duplexPair();
    sim.handleConnection(server);
    await sim.close();
    assert.ok(server.destroyed);
  });
});

describe('TLS', () => {
  /** A throwaway self-signed certificate from the openssl CLI (no private key is kept in the tree). */
  function makeCert(): { key: Buffer; cert: Buffer } | undefined {
    const dir = mkdtempSync(join(tmpdir(), 'amt-sim-tls-'));
    try {
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1',
      ], { stdio: 'ignore' });
      return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    } catch {
      return undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('with tls the simulator serves https and Digest works inside it', async (t) => {
    const tls = makeCert();
    if (!tls) return t.skip('the openssl command is not installed, so no test certificate can be made');
    const sim = await startSimulator({ port: 0, tls });
    try {
      assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+\/wsman$/);
      const client = new DigestClient({ host: sim.host, port: sim.port, tls: true }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
      const r = await client.post(build.get('AMT_GeneralSettings'));
      assert.equal(r.status, 200);
    } finally {
      await sim.close();
    }
  });
});
