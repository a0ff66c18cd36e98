/**
 * amt/accounts/*, amt/network/* and amt/certs/* over the real backend's JSON-RPC (main.ts --stdio)
 * against a simulator on a loopback port: each request's result, and the refusals as the client
 * sees them — one sentence with its code in ResponseError.data (`accounts.weak-password`,
 * `accounts.lockout`, `network.lockout`, `accounts.refused`), nothing sent to the device before
 * the client confirms.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode } from '../../../client/src/model/request';
import { AccountRequests, CertificateRequests, NetworkRequests, Requests, type Credentials } from '../../../server/src/protocol';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { TEST_CERT, TEST_CERT_SHA256 } from '../../unit/wsman/tlsTestCert';
import { startBackend, type Backend } from '../client/backend';

describe('accounts, network and certificate requests over the backend', { timeout: 120_000 }, () => {
  let backend: Backend;
  let sim: Simulator;
  let targetId: string;
  const credentials: Credentials = { ...DEFAULT_ACCOUNT };
  const sent: string[] = [];
  const refusedWith = (code: string, pattern: RegExp) => (e: unknown) => errorCode(e) === code && pattern.test((e as Error).message);

  before(async () => {
    sim = await startSimulator({ port: 0 });
    sim.device.on('request', ({ action }: { action?: string }) => sent.push(action?.split('/').pop() ?? ''));
    backend = await startBackend();
    targetId = (await backend.request(Requests.addTarget, { url: `http://127.0.0.1:${sim.port}`, user: 'admin', label: 'Lab' })).id;
  });
  after(async () => {
    await backend?.close();
    await sim?.close();
  });

  test('list, add, update, setEnabled, remove and setAdmin', async () => {
    const first = await backend.request(AccountRequests.list, { targetId, credentials });
    assert.equal(first.signedInAs, 'admin');
    assert.equal(first.users.length, 0);
    const added = await backend.request(AccountRequests.add, { targetId, credentials, user: 'rpcuser', password: 'Rpc-user!1', realms: [2], permission: 0, enabled: false });
    assert.equal(added.message, 'Added the account "rpcuser" (handle 1) with Redirection, disabled.');
    assert.equal(sim.device.accounts.byUser('rpcuser')?.enabled, false);
    await backend.request(AccountRequests.update, { targetId, credentials, handle: 1, realms: [2, 19] });
    assert.deepEqual(sim.device.accounts.byUser('rpcuser')?.realms, [2, 19]);
    await backend.request(AccountRequests.setEnabled, { targetId, credentials, handle: 1, enabled: true });
    assert.equal(sim.device.accounts.byUser('rpcuser')?.enabled, true);
    assert.equal((await backend.request(AccountRequests.remove, { targetId, credentials, handle: 1 })).message, 'Removed the account "rpcuser".');
    await assert.rejects(backend.request(AccountRequests.setAdmin, { targetId, credentials, password: 'Adm1n!rpc' }), refusedWith('accounts.lockout', /You are signed in as "admin"/));
    await backend.request(AccountRequests.setAdmin, { targetId, credentials, password: 'Adm1n!rpc', confirmed: true });
    credentials.password = 'Adm1n!rpc';
    assert.equal((await backend.request(AccountRequests.list, { targetId, credentials })).admin.isDefault, false);
  });

  test('a weak password is refused with its code and the rule, and nothing is sent', async () => {
    const before = sent.length;
    await assert.rejects(backend.request(AccountRequests.add, { targetId, credentials, user: 'w', password: 'abc', realms: [2] }), refusedWith('accounts.weak-password', /strong-password rule/));
    assert.equal(sent.length, before);
  });

  test("the device's refusal carries its ReturnValue and meaning", async () => {
    await assert.rejects(backend.request(AccountRequests.add, { targetId, credentials, user: 'admin', password: 'Dup-admin!1', realms: [2] }), refusedWith('accounts.refused', /ReturnValue 2058: Duplicate \(DUPLICATE\)/));
  });

  test('network info, certificates, addRoot, add, generateKey and csr', async () => {
    const n = await backend.request(NetworkRequests.info, { targetId, credentials });
    assert.equal(n.wired?.mac, sim.device.identity.wiredMac);
    const root = await backend.request(CertificateRequests.addRoot, { targetId, credentials, pem: TEST_CERT });
    assert.equal(root.certificate.fingerprint, TEST_CERT_SHA256);
    // The same certificate as a plain one: the device already holds it.
    await assert.rejects(backend.request(CertificateRequests.add, { targetId, credentials, pem: TEST_CERT }), refusedWith('network.refused', /AddCertificate ReturnValue 2058/));
    const key = await backend.request(CertificateRequests.generateKey, { targetId, credentials });
    const csr = await backend.request(CertificateRequests.csr, { targetId, credentials, keyPair: key.instanceId, commonName: 'rpc.example.test', signingAlgorithm: 2 });
    assert.match(csr.pem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const list = await backend.request(CertificateRequests.list, { targetId, credentials });
    assert.deepEqual(list.certificates.map((c) => c.trustedRoot), [false, true]);
    assert.equal(list.keyPairs.length, 2);
  });

  test('setTls: TLS-only over this plain HTTP target is refused with network.lockout until confirmed; commit applies', async () => {
    const puts = () => sent.filter((s) => s === 'Put').length;
    const before = puts();
    await assert.rejects(backend.request(NetworkRequests.setTls, { targetId, credentials, interface: 'remote', enabled: true, tlsOnly: true }), refusedWith('network.lockout', /reaches the device over plain HTTP/));
    assert.equal(puts(), before);
    await backend.request(NetworkRequests.setTls, { targetId, credentials, interface: 'local', enabled: true });
    assert.equal((await backend.request(NetworkRequests.commit, { targetId, credentials })).message, 'Committed the staged settings; the device applies them now.');
    assert.equal((await backend.request(NetworkRequests.info, { targetId, credentials })).tls.local?.enabled, true);
  });
});
