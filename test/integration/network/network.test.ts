/**
 * Network settings and the certificate store (features/network) against the simulator over real
 * sockets: the wired and wireless settings as the device serves them, certificates decoded from
 * DER (checked against the certificate its TLS port presents), a trusted root added from PEM, a
 * key pair and a CSR the device signs (checked by openssl), and TLS-only staged, warned about,
 * committed — after which plain HTTP is refused and TLS works.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { addCertificate, addTrustedRoot, commitChanges, createCsr, generateKeyPair, listCertificates, readNetwork, setTls } from '../../../server/src/features/network';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { tcpTransport, tlsTransport, WsmanClient } from '../../../server/src/wsman';
import { TEST_CERT, TEST_CERT_SHA256, TEST_KEY } from '../../unit/wsman/tlsTestCert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function presented(port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const raw = s.getPeerCertificate().raw;
      s.end();
      resolve(new X509Certificate(raw));
    });
    s.on('error', reject);
  });
}

describe('network and certificates against the simulator', () => {
  let sim: Simulator;
  let client: WsmanClient;
  const sent: string[] = [];

  before(async () => {
    sim = await startSimulator({ port: 0, tlsPort: 0 });
    client = new WsmanClient({ transport: tcpTransport('127.0.0.1', sim.port), ...DEFAULT_ACCOUNT });
    sim.device.on('request', ({ action }: { action?: string }) => sent.push(action?.split('/').pop() ?? ''));
  });
  after(async () => {
    client?.close();
    await sim?.close();
  });

  test('wired and wireless settings as the device serves them', async () => {
    const n = await readNetwork(client);
    assert.equal(n.wired?.mac, sim.device.identity.wiredMac);
    assert.equal(n.wired?.linkUp, true);
    assert.equal(n.wired?.dhcp, true);
    assert.deepEqual(n.wired?.linkPolicy, ['S0 AC', 'Sx AC']);
    assert.equal(n.wireless.present, true);
    assert.equal(n.wireless.mac, sim.device.identity.wirelessMac);
    assert.equal(n.wireless.state, 'disabled');
    assert.equal(n.wireless.linkPreference, 'host');
    assert.equal(n.ieee8021x.wired?.enabled, 'disabled');
    assert.equal(n.tls.remote?.enabled, false);
    assert.equal(n.tls.local?.acceptNonSecure, true);
    assert.equal(n.tls.certificate, 'Intel(r) AMT Certificate: Handle: 0');
  });

  test("certificates decoded from DER match what the device's TLS port presents", async () => {
    const { certificates, keyPairs } = await listCertificates(client);
    const onWire = await presented(sim.tlsPort!);
    const own = certificates.find((c) => c.usedForTls)!;
    assert.equal(own.fingerprint, onWire.fingerprint256);
    assert.equal(own.subject, onWire.subject.split('\n').join(', '));
    assert.match(own.subject, new RegExp(`CN=${sim.device.identity.name}$`));
    assert.equal(own.validTo, new Date(onWire.validTo).toISOString());
    assert.equal(own.hasKey, true);
    assert.equal(own.current, true);
    assert.deepEqual(keyPairs.map((k) => [k.bits, k.certificates]), [[2048, [own.instanceId]]]);
  });

  test('a trusted root from PEM is stored and listed with its fingerprint; the same again is the device\'s DUPLICATE', async () => {
    const r = await addTrustedRoot(client, TEST_CERT);
    assert.equal(r.certificate.fingerprint, TEST_CERT_SHA256);
    assert.equal(r.certificate.trustedRoot, true);
    assert.equal(r.certificate.subject, 'CN=Intel(r) AMT test device');
    assert.ok((await listCertificates(client)).certificates.some((c) => c.fingerprint === TEST_CERT_SHA256 && c.trustedRoot));
    await assert.rejects(addTrustedRoot(client, TEST_CERT), (e: unknown) => e instanceof AmtError && e.code === 'network.refused' && e.message.includes('AddTrustedRootCertificate ReturnValue 2058: Duplicate (DUPLICATE)'));
  });

  test('text that is not a certificate is refused before anything is sent', async () => {
    const before = sent.length;
    await assert.rejects(addTrustedRoot(client, '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n'), (e: unknown) => e instanceof AmtError && e.code === 'network.invalid' && /not an X\.509 certificate/.test(e.message));
    assert.equal(sent.length, before);
  });

  test('a new key pair, and a CSR the device signs with it: openssl verifies it and reads its subject and key', async () => {
    const k = await generateKeyPair(client);
    assert.match(k.instanceId, /^Intel\(r\) AMT Key: Handle: \d+$/);
    const csr = await createCsr(client, k.instanceId, { commonName: 'amt.example.test', organization: 'Example', country: 'DE' });
    const text = execFileSync('openssl', ['req', '-noout', '-verify', '-subject', '-pubkey'], { input: csr.pem, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
    assert.match(text, /subject=C\s?=\s?DE, O\s?=\s?Example, CN\s?=\s?amt\.example\.test/);
    const pair = (await listCertificates(client)).keyPairs.find((p) => p.instanceId === k.instanceId)!;
    const { createPublicKey, createHash } = await import('node:crypto');
    const pub = createPublicKey(text.slice(text.indexOf('-----BEGIN PUBLIC KEY-----')));
    const fp = createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
    assert.equal(fp, pair.fingerprint, 'the request carries the key pair the device holds');
  });

  test('a CSR for a key the device does not hold is refused before anything is sent', async () => {
    const before = sent.filter((s) => s === 'GeneratePKCS10RequestEx').length;
    await assert.rejects(createCsr(client, 'Intel(r) AMT Key: Handle: 77', { commonName: 'x' }), /no key pair "Intel\(r\) AMT Key: Handle: 77"/);
    assert.equal(sent.filter((s) => s === 'GeneratePKCS10RequestEx').length, before);
  });

  test('a certificate signed (by openssl, as a CA would) from the device CSR is added with its key, and TLS presents it after the commit', async () => {
    const k = await generateKeyPair(client);
    const csr = await createCsr(client, k.instanceId, { commonName: 'tls.example.test' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amt-ca-'));
    try {
      fs.writeFileSync(path.join(dir, 'ca.pem'), TEST_CERT);
      fs.writeFileSync(path.join(dir, 'ca.key'), TEST_KEY);
      fs.writeFileSync(path.join(dir, 'req.pem'), csr.pem);
      execFileSync('openssl', ['x509', '-req', '-in', 'req.pem', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '7', '-days', '30', '-out', 'cert.pem'], { cwd: dir, stdio: 'pipe' });
      const added = await addCertificate(client, fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'));
      assert.equal(added.certificate.subject, 'CN=tls.example.test');
      assert.equal(added.certificate.issuer, 'CN=Intel(r) AMT test device');
      assert.equal(added.certificate.hasKey, true);
      assert.equal(added.certificate.trustedRoot, false);
      const staged = await setTls(client, { interface: 'remote', certificate: added.instanceId }, { route: 'plain-remote' });
      assert.match(staged.message, new RegExp(`presenting ${added.instanceId.replace(/[()]/g, '\\$&')}`));
      assert.equal((await listCertificates(client)).certificates.find((c) => c.instanceId === added.instanceId)?.usedForTls, true);
      await commitChanges(client);
      assert.equal((await presented(sim.tlsPort!)).fingerprint256, added.certificate.fingerprint);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('TLS-only over plain HTTP warns and stages nothing; confirmed and committed, plain HTTP is refused and TLS answers', async () => {
    const puts = () => sent.filter((s) => s === 'Put').length;
    const before = puts();
    await assert.rejects(setTls(client, { interface: 'remote', enabled: true, tlsOnly: true }, { route: 'plain-remote' }), (e: unknown) => e instanceof AmtError && e.code === 'network.lockout' && /refuses plain HTTP once committed/.test(e.message));
    assert.equal(puts(), before);
    const staged = await setTls(client, { interface: 'remote', enabled: true, tlsOnly: true }, { route: 'plain-remote', confirmed: true });
    assert.equal(staged.message, 'Staged TLS only on the remote interface; commit the changes for them to take effect.');
    // Staged only: plain HTTP still works until the commit.
    assert.equal((await readNetwork(client)).tls.remote?.acceptNonSecure, false);
    assert.equal((await commitChanges(client)).message, 'Committed the staged settings; the device applies them now.');
    const plain = new WsmanClient({ transport: tcpTransport('127.0.0.1', sim.port), ...DEFAULT_ACCOUNT });
    const secure = new WsmanClient({ transport: tlsTransport('127.0.0.1', sim.tlsPort!, { trustedFingerprint256: (await presented(sim.tlsPort!)).fingerprint256 }), ...DEFAULT_ACCOUNT });
    try {
      await assert.rejects(plain.get('AMT_GeneralSettings'), (e: unknown) => e instanceof AmtError && /^connection/.test(e.code));
      assert.equal((await readNetwork(secure)).tls.remote?.enabled, true);
      // Back to plain HTTP accepted, over TLS.
      await setTls(secure, { interface: 'remote', tlsOnly: false }, { route: 'tls' });
      await commitChanges(secure);
      assert.ok((await plain.get('AMT_GeneralSettings')).properties.DigestRealm);
    } finally {
      plain.close();
      secure.close();
    }
  });
});
