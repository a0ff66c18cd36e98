/**
 * Client Control Mode from this machine, through the built CLI over the emulated /dev/mei0: a
 * device out of the box is activated, reported, configured twice (the second run changes nothing)
 * and deactivated; the firmware's own model, audit log and provisioning record agree.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { auditEvents, CLI, local, meiSuite, simState, STRONG, unprovisionedRig } from './helpers';
import type { LocalRig } from '../local/helpers';

meiSuite('activate --ccm → status → configure → deactivate (built CLI, emulated MEI)', () => {
  let rig: LocalRig;

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing; run "node esbuild.mjs" first`);
    rig = await unprovisionedRig();
  });
  after(() => rig?.close());

  it('starts in pre-provisioning, and status --local says so in text and JSON', async () => {
    const text = await local(rig, ['status', '--local']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Control Mode:\s+pre-provisioning \(not activated\)$/m);
    assert.match(text.stdout, /^Provisioning State:\s+pre-provisioning$/m);
    assert.match(text.stdout, new RegExp(`^UUID:\\s+${rig.sim.device.identity.uuid}$`, 'm'));
    assert.match(text.stdout, /^Version:\s+\d+\.\d+\.\d+$/m);
    assert.match(text.stdout, /^Certificate Hashes \(2\):$/m);
    const json = await local(rig, ['--target', 'local', 'status', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const s = JSON.parse(json.stdout);
    assert.equal(s.controlMode, 'none');
    assert.equal(s.provisioningState, 'pre');
    assert.equal(s.uuid, rig.sim.device.identity.uuid);
    assert.equal(s.dnsSuffix, rig.sim.device.identity.domainName);
  });

  it('refuses a weak password, naming the rule, before sending anything', async () => {
    const before = auditEvents(rig).length;
    const run = await local(rig, ['activate', '--ccm', '--password', 'password1']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^amtwb: The new AMT admin password is refused because it has no upper-case letter; choose one that follows AMT's strong-password rule: 8 to 32 characters .+\.$/m);
    assert.doesNotMatch(run.stderr, /password1/);
    assert.equal(simState(rig).controlMode, 0);
    assert.equal(auditEvents(rig).length, before);
  });

  it('activates in CCM with the password from AMT_PASSWORD, one progress line per step', async () => {
    const run = await local(rig, ['activate', '--ccm'], { AMT_PASSWORD: STRONG });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /is activated in Client Control Mode \(CCM\)/);
    for (const step of ['Reading the control mode', 'Reading the UUID, DNS suffix and local system account', 'Reading the Digest realm', 'Sending IPS_HostBasedSetupService.Setup', 'Checking the control mode', 'Logging in as admin']) {
      assert.match(run.stderr, new RegExp(`^… ${step}`, 'm'));
    }
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(STRONG.replace(/[!]/g, '\\$&')));
    const s = simState(rig);
    assert.equal(s.controlMode, 1);
    assert.equal(s.provisioningState, 2);
    // CCM's difference that holds afterwards: user consent for everything.
    assert.equal(s.optInRequired, 0xffffffff);
    const events = auditEvents(rig);
    assert.ok(events.includes(1600) && events.includes(1601), `audit: ${events.join(',')}`);
    assert.equal(rig.sim.device.instances('IPS_ClientProvisioningRecord').length, 1);
  });

  it('says it is already activated and changes nothing when run again', async () => {
    const audited = auditEvents(rig).length;
    const run = await local(rig, ['activate', '--ccm', '--password', STRONG]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^AMT is already activated in Client Control Mode \(CCM\), provisioning state post; nothing was changed — to activate it again, run amtwb deactivate first\.$/m);
    assert.doesNotMatch(run.stderr, /Setup/);
    assert.equal(auditEvents(rig).length, audited);
  });

  it('status reports CCM after activation', async () => {
    const run = await local(rig, ['status', '--local', '--json']);
    assert.equal(JSON.parse(run.stdout).controlMode, 'ccm');
  });

  it('applies a profile, verifies each setting, and a second run changes nothing', async () => {
    const file = path.join(rig.dir, 'profile.yaml');
    fs.writeFileSync(file, [
      'network:',
      '  hostName: bench-7',
      '  wired: { dhcp: true, ipSync: true }',
      'redirection:',
      '  sol: true',
      '  ider: false',
      '  kvm: true',
      '  userConsent: all',
      'users:',
      '  - name: operator',
      '    passwordEnv: OPERATOR_PASSWORD',
      '    realms: [2, 5, 13]',
      '    access: network',
      'cira:',
      '  server: mps.sim.example',
      '  port: 4433',
      '  user: ciraUser',
      '  passwordEnv: MPS_PASSWORD',
      '',
    ].join('\n'));
    const env = { AMT_PASSWORD: STRONG, OPERATOR_PASSWORD: 'Op3rator!x', MPS_PASSWORD: 'Mps-Secret9' };
    const first = await local(rig, ['configure', '--profile', file], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^changed {4}network\.hostName: bench-7$/m);
    assert.match(first.stdout, /^unchanged {2}network\.wired: DHCP on, IP sync on$/m);
    assert.match(first.stdout, /^changed {4}redirection\.sol\/ider: SOL on, IDE-R off$/m);
    assert.match(first.stdout, /^changed {4}users\.operator: access network, realms 2,5,13$/m);
    assert.match(first.stdout, /^changed {4}cira\.server: mps\.sim\.example:4433$/m);
    assert.match(first.stdout, /^\d+ of \d+ settings changed and verified\.$/m);
    assert.equal(rig.sim.device.instances('AMT_GeneralSettings')[0]!.HostName, 'bench-7');
    assert.ok(rig.sim.device.accounts.byUser('operator'));
    const second = await local(rig, ['configure', '--profile', file], env);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stdout, /^changed/m);
    assert.match(second.stdout, /^Nothing changed: every setting of the profile was already in place\.$/m);
    assert.doesNotMatch(second.stderr, /Setting /);
  });

  it('refuses a profile that asks CCM for less user consent, sending nothing', async () => {
    const file = path.join(rig.dir, 'no-consent.yaml');
    fs.writeFileSync(file, 'redirection:\n  userConsent: none\n');
    const run = await local(rig, ['configure', '--profile', file], { AMT_PASSWORD: STRONG });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^amtwb: In Client Control Mode AMT requires user consent for every redirection and boot change, so redirection\.userConsent: none cannot apply; .+\.$/m);
    assert.equal(simState(rig).optInRequired, 0xffffffff);
  });

  it('names an unknown profile key', async () => {
    const file = path.join(rig.dir, 'typo.yaml');
    fs.writeFileSync(file, 'redirection:\n  kvmm: true\n');
    const run = await local(rig, ['configure', '--profile', file], { AMT_PASSWORD: STRONG });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /redirection\.kvmm is not a profile key \(redirection takes sol, ider, kvm, listener, userConsent\); fix the profile and run configure again\.$/m);
  });

  it('deactivates CCM without a password, through AMTHI Unprovision', async () => {
    const run = await local(rig, ['deactivate']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^… Sending Unprovision over AMTHI/m);
    assert.match(run.stdout, /^AMT is back in pre-provisioning \(it was in Client Control Mode \(CCM\)\)/m);
    assert.equal(simState(rig).controlMode, 0);
    assert.ok(auditEvents(rig).includes(1619));
    const again = await local(rig, ['deactivate']);
    assert.match(again.stdout, /^AMT is not activated \(pre-provisioning\); nothing was changed\.$/m);
  });
});
