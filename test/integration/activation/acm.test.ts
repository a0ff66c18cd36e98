/**
 * Admin Control Mode from this machine with a provisioning certificate made by openssl in a temp
 * folder; the simulator trusts the test root by its SHA-256 hash, as MEBx would. Activate → status →
 * configure → deactivate, through the built CLI over the emulated /dev/mei0, and the refusals.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { auditEvents, CLI, local, makeTestPki, meiSuite, simState, STRONG, unprovisionedRig, type TestPki } from './helpers';
import type { LocalRig } from '../local/helpers';
import { trustProvisioningRoot } from '../../../server/src/sim';

meiSuite('activate --acm → status → configure → deactivate (built CLI, emulated MEI)', () => {
  let rig: LocalRig;
  let pki: TestPki;
  let untrusted: TestPki;

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing; run "node esbuild.mjs" first`);
    pki = makeTestPki();
    untrusted = makeTestPki();
    rig = await unprovisionedRig({ trustedRoots: [{ name: 'AMT Workbench Test Root', hash: pki.rootHash }] });
  });
  after(async () => {
    await rig?.close();
    pki?.close();
    untrusted?.close();
  });

  it('lists the provisioned test root among the certificate hashes', async () => {
    const run = await local(rig, ['status', '--local', '--json']);
    const hashes = JSON.parse(run.stdout).certificateHashes as { hash: string; isActive: boolean }[];
    assert.ok(hashes.some((h) => h.hash === pki.rootHash && h.isActive));
  });

  it('refuses a certificate whose root AMT does not trust, before sending the chain', async () => {
    const run = await local(rig, ['activate', '--acm', '--cert', untrusted.pfx, '--cert-password', untrusted.pfxPassword, '--password', STRONG]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^amtwb: The root of .+provisioning\\.pfx \\(SHA-256 ${untrusted.rootHash}\\) is not among the provisioning roots AMT trusts; .+\\.$`, 'm'));
    assert.doesNotMatch(run.stderr, /AddNextCertInChain/);
    assert.equal(simState(rig).controlMode, 0);
  });

  it('names a wrong certificate-file password', async () => {
    const run = await local(rig, ['activate', '--acm', '--cert', pki.pfx, '--cert-password', 'wrong-one', '--password', STRONG]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^amtwb: The password of the certificate file is wrong \(its integrity check fails\); give the one it was exported with via --cert-password\.$/m);
    assert.doesNotMatch(run.stderr, /wrong-one/);
  });

  it("refuses a certificate for another domain than AMT's DNS suffix", async () => {
    const other = makeTestPki('elsewhere.example');
    try {
      trustProvisioningRoot(rig.sim.device, { name: 'other-domain test root', hash: other.rootHash });
      const run = await local(rig, ['activate', '--acm', '--cert', other.pfx, '--cert-password', other.pfxPassword, '--password', STRONG]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^amtwb: The provisioning certificate is for "provisioning\.elsewhere\.example" but AMT's DNS suffix is "sim\.local", so AMT would refuse it; .+\.$/m);
      assert.equal(simState(rig).controlMode, 0);
    } finally {
      other.close();
    }
  });

  it('activates in ACM: chain leaf first, AdminSetup with the signed nonces', async () => {
    const run = await local(rig, ['activate', '--acm', '--cert', pki.pfx, '--password', STRONG], { AMT_CERT_PASSWORD: pki.pfxPassword });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^… Sending certificate 1 of 3 \(AddNextCertInChain, leaf\)$/m);
    assert.match(run.stderr, /^… Sending certificate 2 of 3 \(AddNextCertInChain, intermediate\)$/m);
    assert.match(run.stderr, /^… Sending certificate 3 of 3 \(AddNextCertInChain, root\)$/m);
    assert.match(run.stderr, /^… Sending AdminSetup with the admin password hash and the signed nonces$/m);
    assert.match(run.stdout, /is activated in Admin Control Mode \(ACM\) with the provisioning certificate for provisioning\.sim\.local\.$/m);
    const s = simState(rig);
    assert.equal(s.controlMode, 2);
    assert.equal(s.provisioningState, 2);
    const record = rig.sim.device.instances('IPS_AdminProvisioningRecord')[0];
    assert.equal(record?.CertificateCN, 'provisioning.sim.local');
    assert.equal(record?.SelectedHashData, pki.rootHash);
    assert.ok(auditEvents(rig).includes(1601));
  });

  it('status reports ACM; configure may lower user consent in ACM', async () => {
    const status = await local(rig, ['--target', 'local', 'status']);
    assert.match(status.stdout, /^Control Mode:\s+Admin Control Mode \(ACM\)$/m);
    const file = path.join(rig.dir, 'acm.yaml');
    fs.writeFileSync(file, 'redirection:\n  userConsent: none\n  kvm: true\n');
    const first = await local(rig, ['configure', '--profile', file], { AMT_PASSWORD: STRONG });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^changed {4}redirection\.userConsent: none$/m);
    assert.equal(simState(rig).optInRequired, 0);
    const second = await local(rig, ['configure', '--profile', file], { AMT_PASSWORD: STRONG });
    assert.match(second.stdout, /^Nothing changed: every setting of the profile was already in place\.$/m);
  });

  it('refuses to deactivate ACM without the admin password, sending nothing', async () => {
    const run = await local(rig, ['deactivate']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^amtwb: AMT is in Admin Control Mode, which only its admin may undo; give the AMT admin password with --password or AMT_PASSWORD \(nothing was sent\)\.$/m);
    assert.equal(simState(rig).controlMode, 2);
  });

  it('reports a wrong admin password once, leaving ACM in place', async () => {
    const run = await local(rig, ['deactivate', '--password', 'Wr0ng!pass']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr.trim().split('\n').filter((l) => l.startsWith('amtwb:')).length, 1);
    assert.match(run.stderr, /^amtwb: .*(password|credentials).*\.$/m);
    assert.doesNotMatch(run.stderr, /Wr0ng!pass/);
    assert.doesNotMatch(run.stderr, /Sending AMT_SetupAndConfigurationService\.Unprovision/);
    assert.equal(simState(rig).controlMode, 2);
  });

  it('deactivates ACM as admin', async () => {
    const run = await local(rig, ['deactivate'], { AMT_PASSWORD: STRONG });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^… Sending AMT_SetupAndConfigurationService\.Unprovision\(1\) as admin$/m);
    assert.match(run.stdout, /^AMT is back in pre-provisioning \(it was in Admin Control Mode \(ACM\)\)/m);
    assert.equal(simState(rig).controlMode, 0);
  });

  it('reads a PFX with the older 3DES encryption too', async () => {
    const legacy = makeTestPki(undefined, { legacy: true });
    try {
      // Trust this second root as well, then activate and undo once more.
      trustProvisioningRoot(rig.sim.device, { name: 'legacy test root', hash: legacy.rootHash });
      const run = await local(rig, ['activate', '--acm', '--cert', legacy.pfx, '--cert-password', legacy.pfxPassword, '--password', STRONG]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(simState(rig).controlMode, 2);
      assert.equal((await local(rig, ['deactivate', '--password', STRONG])).code, 0);
    } finally {
      legacy.close();
    }
  });

  it('upgrades CCM to ACM with UpgradeClientToAdmin, keeping the admin password', async () => {
    assert.equal((await local(rig, ['activate', '--ccm', '--password', STRONG])).code, 0);
    const run = await local(rig, ['activate', '--acm', '--cert', pki.pfx, '--cert-password', pki.pfxPassword, '--password', STRONG]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^… Sending UpgradeClientToAdmin with the signed nonces$/m);
    assert.match(run.stdout, /\(upgraded from CCM; the admin password is unchanged\)\.$/m);
    assert.equal(simState(rig).controlMode, 2);
    assert.ok(auditEvents(rig).includes(1618), 'audit 1618: upgrade to ACM');
    assert.equal((await local(rig, ['deactivate', '--password', STRONG])).code, 0);
  });
});
