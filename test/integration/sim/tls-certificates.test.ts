/**
 * Certificates and TLS as a console configures them (Intel AMT SDK "Configuring TLS"): a key is
 * added, its certificate stored, a TLS credential context created, AMT_TLSSettingData Put and
 * CommitChanges — then port 16993 presents exactly that certificate and plain HTTP is refused.
 * Also GenerateKeyPair + GeneratePKCS10RequestEx: the CSR verifies with openssl.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ACTION, build, envelope, findAll, NS, payload, props, rawRequest, resourceUriFor } from './helpers';
import { withSimulator } from './with-simulator';

const PKM = 'AMT_PublicKeyManagementService';
const REMOTE = 'Intel(r) AMT 802.3 TLS Settings';

/** GET / over TLS with the given trust anchors; resolves the presented certificate or rejects. */
function httpsGet(port: number, ca?: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/', ...(ca ? { ca } : {}), agent: false }, (res) => {
      const cert = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate();
      res.resume();
      res.on('end', () => (cert ? resolve(cert) : reject(new Error('no peer certificate'))));
    });
    req.on('error', reject);
    req.end();
  });
}

function eprXml(name: string, cls: string, selectors: Record<string, string>): string {
  const sel = Object.entries(selectors).map(([k, v]) => `<w:Selector Name="${k}">${v}</w:Selector>`).join('');
  return (
    `<h:${name}><a:Address>${NS.addressing}/role/anonymous</a:Address>` +
    `<a:ReferenceParameters><w:ResourceURI>${resourceUriFor(cls)}</w:ResourceURI><w:SelectorSet>${sel}</w:SelectorSet></a:ReferenceParameters></h:${name}>`
  );
}

describe('certificates and TLS', () => {
  const t = withSimulator({ tlsPort: 0 });
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'amtwb-tls-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function call(method: string, inputs: string): Promise<{ out: Record<string, string | string[]>; body: string }> {
    const r = await t.client.post(build.invoke(PKM, method, inputs));
    assert.equal(r.status, 200, r.body);
    const out = props(payload(r.body));
    assert.equal(out.ReturnValue, '0', r.body);
    return { out, body: r.body };
  }

  test('port 16993 speaks TLS from the start, with a self-signed certificate the default CA set rejects', async () => {
    assert.ok(t.sim.tlsPort);
    await assert.rejects(httpsGet(t.sim.tlsPort), /self.signed|unable to verify|certificate/i);
    const plain = await rawRequest({ host: t.sim.host, port: t.sim.tlsPort }, { body: '' }).then(() => 'answered', (e: Error) => e.message);
    assert.notEqual(plain, 'answered', 'a plain HTTP request to the TLS port is not answered');
  });

  test('a channel the host opens to AMT port 16993 (as LMS forwards it) gets TLS with the certificate AMT lists as handle 0', async () => {
    const got = await t.client.post(build.get('AMT_PublicKeyCertificate', { InstanceID: 'Intel(r) AMT Certificate: Handle: 0' }));
    const own = new X509Certificate(Buffer.from(String(props(payload(got.body)).X509Certificate), 'base64'));
    // Stand-in for an APF channel: every TCP connection to this relay is fed into the device as a stream to 16993.
    const relay = net.createServer((socket) => t.sim.handleConnection(socket, 16993));
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const port = (relay.address() as net.AddressInfo).port;
      const presented = await httpsGet(port, own.toString());
      assert.equal(presented.fingerprint256, own.fingerprint256);
    } finally {
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  test('GenerateKeyPair + GeneratePKCS10RequestEx: the signed CSR verifies (openssl req -verify) and carries the key', async () => {
    const gen = await call('GenerateKeyPair', '<h:KeyAlgorithm>0</h:KeyAlgorithm><h:KeyLength>2048</h:KeyLength>');
    const keyId = findAll(payload(gen.body), 'Selector')[0].text;
    const pairs = await t.client.post(build.get('AMT_PublicPrivateKeyPair', { InstanceID: keyId }));
    const derKey = String(props(payload(pairs.body)).DERKey);
    const pub = createPublicKey({ key: Buffer.from(derKey, 'base64'), format: 'der', type: 'pkcs1' });
    // The client's null-signed request: openssl makes one with a throwaway key, then the public key
    // is swapped for the device's by rebuilding the info (subject CN=device, device's SPKI).
    const spki = pub.export({ type: 'spki', format: 'der' });
    const der = await import('../../../server/src/sim/security/der');
    const info = der.seq(der.int(0), der.name({ CN: 'amt-device' }), spki, der.ctx(0, Buffer.alloc(0)));
    const nullSigned = der.seq(info, der.seq(der.oid('1.2.840.113549.1.1.11'), der.nul()), der.bits(Buffer.alloc(256)));
    const csr = await call(
      'GeneratePKCS10RequestEx',
      eprXml('KeyPair', 'AMT_PublicPrivateKeyPair', { InstanceID: keyId }) +
        `<h:SigningAlgorithm>1</h:SigningAlgorithm><h:NullSignedCertificateRequest>${nullSigned.toString('base64')}</h:NullSignedCertificateRequest>`,
    );
    const file = path.join(dir, 'req.der');
    writeFileSync(file, Buffer.from(String(csr.out.SignedCertificateRequest), 'base64'));
    const text = execFileSync('openssl', ['req', '-inform', 'DER', '-in', file, '-verify', '-noout', '-text'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(text, /CN\s*=\s*amt-device/);
    const reqPub = execFileSync('openssl', ['req', '-inform', 'DER', '-in', file, '-pubkey', '-noout'], { encoding: 'utf8' });
    assert.ok(createPublicKey(reqPub).equals(pub), 'the CSR carries the generated key');
  });

  test('TLS set-up: 16993 presents the configured certificate; with AcceptNonSecureConnections false plain 16992 is refused', async () => {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const certPem = readFileSync(certFile, 'utf8');
    const pkcs1 = createPublicKey(readFileSync(keyFile)).type && execFileSync('openssl', ['rsa', '-in', keyFile, '-traditional', '-outform', 'DER'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const certDer = new X509Certificate(certPem).raw.toString('base64');

    await call('AddKey', `<h:KeyBlob>${pkcs1.toString('base64')}</h:KeyBlob>`);
    const added = await call('AddCertificate', `<h:CertificateBlob>${certDer}</h:CertificateBlob>`);
    const certId = findAll(payload(added.body), 'Selector')[0].text;

    // A fresh device's TLS context names its own certificate; a console deletes it, then creates its own.
    const ctx = resourceUriFor('AMT_TLSCredentialContext');
    const epr = (cls: string, sel: string, value: string) =>
      `<a:EndpointReference><a:Address>${NS.addressing}/role/anonymous</a:Address><a:ReferenceParameters>` +
      `<w:ResourceURI>${resourceUriFor(cls)}</w:ResourceURI><w:SelectorSet><w:Selector Name="${sel}">${value}</w:Selector></w:SelectorSet></a:ReferenceParameters></a:EndpointReference>`;
    const existing = `<w:SelectorSet><w:Selector Name="ElementInContext">${epr('AMT_PublicKeyCertificate', 'InstanceID', 'Intel(r) AMT Certificate: Handle: 0')}</w:Selector>` +
      `<w:Selector Name="ElementProvidingContext">${epr('AMT_TLSProtocolEndpointCollection', 'ElementName', 'TLSProtocolEndpoint Instances Collection')}</w:Selector></w:SelectorSet>`;
    const deleted = await t.client.post(envelope({ action: ACTION.delete, resourceUri: ctx, headers: existing }));
    assert.equal(deleted.status, 200, deleted.body);
    const created = await t.client.post(
      envelope({
        action: ACTION.create,
        resourceUri: ctx,
        body:
          `<h:AMT_TLSCredentialContext xmlns:h="${ctx}">` +
          eprXml('ElementInContext', 'AMT_PublicKeyCertificate', { InstanceID: certId }) +
          eprXml('ElementProvidingContext', 'AMT_TLSProtocolEndpointCollection', { ElementName: 'TLSProtocolEndpoint Instances Collection' }) +
          '</h:AMT_TLSCredentialContext>',
      }),
    );
    assert.equal(created.status, 200, created.body);

    const tlsUri = resourceUriFor('AMT_TLSSettingData');
    const put = await t.client.post(
      build.put(
        'AMT_TLSSettingData',
        `<h:AMT_TLSSettingData xmlns:h="${tlsUri}"><h:AcceptNonSecureConnections>false</h:AcceptNonSecureConnections>` +
          `<h:ElementName>${REMOTE}</h:ElementName><h:Enabled>true</h:Enabled><h:InstanceID>${REMOTE}</h:InstanceID>` +
          '<h:MutualAuthentication>false</h:MutualAuthentication></h:AMT_TLSSettingData>',
        { InstanceID: REMOTE },
      ),
    );
    assert.equal(put.status, 200, put.body);
    // Before CommitChanges nothing changes: the TLS port still shows the device's own certificate.
    await assert.rejects(httpsGet(t.sim.tlsPort!, certPem));

    const whys: string[] = [];
    t.sim.device.on('fault', (f: { why: string }) => whys.push(f.why));
    const commit = await t.client.post(build.invoke('AMT_SetupAndConfigurationService', 'CommitChanges'));
    assert.deepEqual(whys, []);
    assert.equal(props(payload(commit.body)).ReturnValue, '0', commit.body);

    const presented = await httpsGet(t.sim.tlsPort!, certPem);
    assert.equal(presented.fingerprint256, new X509Certificate(certPem).fingerprint256);
    await assert.rejects(httpsGet(t.sim.tlsPort!), /self.signed|unable to verify|certificate/i, 'the default CA set does not trust it');
    await assert.rejects(rawRequest({ host: t.sim.host, port: t.sim.port }, { body: build.identify() }), /ECONNRESET|socket hang up|ECONNREFUSED/);
  });
});
