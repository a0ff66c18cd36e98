/**
 * Accounts, provisioning and the audit log change real state, seen over real sockets with raw
 * Digest HTTP: a user added with AddUserAclEntryEx can log in and is held to its realms; a removed
 * or disabled one cannot; SetAdminAclEntryEx changes the admin password; Unprovision returns the
 * device to pre-provisioning with the factory accounts; host-based setup enters Client Control Mode
 * (consent then required); the audit log records a failed log-in and a user addition, decoded here
 * with the layout MeshCommander reads (big-endian; Intel AMT SDK AMT_AuditLog).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Duplex, PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { build, DigestClient, faultSubcode, HOST_EPR_INPUT, NS, payload, props } from './helpers';

const AUTH = 'AMT_AuthorizationService';
const REMOTE_CONTROL = 5;
const HARDWARE_ASSET = 4;

/** Base64 of the 16 raw bytes of MD5(user:realm:password), as consoles send DigestPassword. */
const a1 = (user: string, realm: string, password: string) => createHash('md5').update(`${user}:${realm}:${password}`).digest();

interface AuditEntry {
  app: number;
  event: number;
  initiator: string;
  time: number;
  address: string;
  extended: Buffer;
}

/** Test-side decoder of one EventRecords element (MC `amt-0.2.0.js` `_GetAuditLog0` layout). */
function decodeAudit(b64: string): AuditEntry {
  const b = Buffer.from(b64, 'base64');
  const app = b.readUInt16BE(0);
  const event = b.readUInt16BE(2);
  const type = b[4];
  let p = 5;
  let initiator = type === 2 ? 'Local' : '';
  if (type === 0) {
    initiator = b.subarray(p + 1, p + 1 + b[p]).toString('utf8');
    p += 1 + b[p];
  }
  const time = b.readUInt32BE(p);
  p += 5; // time + MCLocationType
  const address = b.subarray(p + 1, p + 1 + b[p]).toString('latin1');
  p += 1 + b[p];
  const extended = b.subarray(p + 1, p + 1 + b[p]);
  assert.equal(p + 1 + b[p], b.length, 'the record ends with its extended data');
  return { app, event, initiator, time, address, extended };
}

describe('accounts, provisioning and audit state', () => {
  let sim: Simulator;
  let admin: DigestClient;
  const target = () => ({ host: sim.host, port: sim.port });
  beforeEach(async () => {
    sim = await startSimulator({ port: 0 });
    admin = new DigestClient(target(), DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
  });
  afterEach(() => sim.close());

  async function call(client: DigestClient, cls: string, method: string, inputs = '') {
    const r = await client.post(build.invoke(cls, method, inputs));
    assert.equal(r.status, 200, r.body);
    return props(payload(r.body));
  }

  const addUser = (user: string, password: string, realms: number[]) =>
    call(admin, AUTH, 'AddUserAclEntryEx',
      `<h:DigestUsername>${user}</h:DigestUsername><h:DigestPassword>${a1(user, sim.device.identity.realm, password).toString('base64')}</h:DigestPassword>` +
      `<h:AccessPermission>2</h:AccessPermission>${realms.map((r) => `<h:Realms>${r}</h:Realms>`).join('')}`);
  const powerOff = (client: DigestClient) =>
    client.post(build.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', `<h:PowerState>8</h:PowerState>${HOST_EPR_INPUT}`));

  test('a user added can log in, is held to its realms, and cannot log in once removed', async () => {
    const added = await addUser('helpdesk', 'Help#Desk1', [HARDWARE_ASSET]);
    assert.equal(added.ReturnValue, '0');
    const handle = added.Handle as string;
    const entry = await call(admin, AUTH, 'GetUserAclEntryEx', `<h:Handle>${handle}</h:Handle>`);
    assert.deepEqual([entry.DigestUsername, entry.AccessPermission, entry.Realms], ['helpdesk', '2', String(HARDWARE_ASSET)]);

    const user = new DigestClient(target(), 'helpdesk', 'Help#Desk1');
    const chassis = await user.post(build.get('CIM_Chassis'));
    assert.equal(chassis.status, 200, 'hardware asset realm: inventory is readable');
    const refused = await powerOff(user);
    assert.equal(refused.status, 400);
    assert.equal(faultSubcode(refused.body), `{${NS.wsman}}AccessDenied`);
    assert.equal(sim.device.powerState, 2, 'the refused power action changed nothing');

    await call(admin, AUTH, 'UpdateUserAclEntryEx',
      `<h:Handle>${handle}</h:Handle><h:DigestUsername>helpdesk</h:DigestUsername><h:AccessPermission>2</h:AccessPermission><h:Realms>${REMOTE_CONTROL}</h:Realms>`);
    assert.equal((await powerOff(user)).status, 200, 'with the Remote Control realm the power action is allowed');
    assert.equal(sim.device.powerState, 8);

    assert.equal((await call(admin, AUTH, 'RemoveUserAclEntry', `<h:Handle>${handle}</h:Handle>`)).ReturnValue, '0');
    const after = new DigestClient(target(), 'helpdesk', 'Help#Desk1');
    assert.equal((await after.post(build.get('CIM_Chassis'))).status, 401, 'a removed user cannot log in');
    assert.equal((await call(admin, AUTH, 'GetUserAclEntryEx', `<h:Handle>${handle}</h:Handle>`)).ReturnValue, '2053', 'INVALID_HANDLE');
  });

  test('AccessPermission: a local-only user logs in over a connection fed in by the host side, not over the network', async () => {
    const realm = sim.device.identity.realm;
    const added = await call(admin, AUTH, 'AddUserAclEntryEx',
      `<h:DigestUsername>localops</h:DigestUsername><h:DigestPassword>${a1('localops', realm, 'Local#Ops1').toString('base64')}</h:DigestPassword>` +
      `<h:AccessPermission>0</h:AccessPermission><h:Realms>${HARDWARE_ASSET}</h:Realms>`);
    assert.equal(added.ReturnValue, '0');
    assert.equal((await new DigestClient(target(), 'localops', 'Local#Ops1').post(build.get('CIM_Chassis'))).status, 401, 'refused over TCP');
    const local = {
      host: 'in-memory',
      port: 16992,
      connect: () => {
        const toServer = new PassThrough();
        const toClient = new PassThrough();
        sim.handleConnection(Duplex.from({ readable: toServer, writable: toClient }));
        return Duplex.from({ readable: toClient, writable: toServer });
      },
    };
    assert.equal((await new DigestClient(local, 'localops', 'Local#Ops1').post(build.get('CIM_Chassis'))).status, 200, 'accepted locally');
  });

  test('AMT refuses a duplicate name, a bad realm and a disabled user; the admin password changes with SetAdminAclEntryEx', async () => {
    assert.equal((await addUser('ops', 'Ops#Pass1', [REMOTE_CONTROL])).ReturnValue, '0');
    assert.equal((await addUser('ops', 'Other#Pass1', [REMOTE_CONTROL])).ReturnValue, '2058', 'DUPLICATE');
    assert.equal((await addUser('ops2', 'Ops#Pass1', [22])).ReturnValue, '2055', 'INVALID_REALM');
    const handle = (await call(admin, AUTH, 'EnumerateUserAclEntries', '<h:StartIndex>1</h:StartIndex>')).Handles;
    assert.equal(handle, '1');
    await call(admin, AUTH, 'SetAclEnabledState', '<h:Handle>1</h:Handle><h:Enabled>false</h:Enabled>');
    assert.equal((await call(admin, AUTH, 'GetAclEnabledState', '<h:Handle>1</h:Handle>')).Enabled, 'false');
    assert.equal((await new DigestClient(target(), 'ops', 'Ops#Pass1').post(build.get('CIM_Chassis'))).status, 401, 'a disabled entry cannot log in');

    const realm = sim.device.identity.realm;
    const set = await call(admin, AUTH, 'SetAdminAclEntryEx',
      `<h:Username>admin</h:Username><h:DigestPassword>${a1('admin', realm, 'New#Admin9').toString('base64')}</h:DigestPassword>`);
    assert.equal(set.ReturnValue, '0');
    assert.equal((await new DigestClient(target(), 'admin', DEFAULT_ACCOUNT.password).post(build.get('AMT_GeneralSettings'))).status, 401);
    const renewed = new DigestClient(target(), 'admin', 'New#Admin9');
    assert.equal((await renewed.post(build.get('AMT_GeneralSettings'))).status, 200);
    assert.equal((await call(renewed, AUTH, 'GetAdminAclEntryStatus')).IsDefault, 'false');
  });

  test('Unprovision returns to pre-provisioning with the factory accounts; host-based setup enters CCM', async () => {
    assert.equal((await addUser('ops', 'Ops#Pass1', [REMOTE_CONTROL])).ReturnValue, '0');
    await call(admin, AUTH, 'SetAdminAclEntryEx',
      `<h:Username>admin</h:Username><h:DigestPassword>${a1('admin', sim.device.identity.realm, 'New#Admin9').toString('base64')}</h:DigestPassword>`);
    const renewed = new DigestClient(target(), 'admin', 'New#Admin9');
    assert.equal((await call(renewed, 'AMT_SetupAndConfigurationService', 'Unprovision', '<h:ProvisioningMode>1</h:ProvisioningMode>')).ReturnValue, '0');

    const factory = new DigestClient(target(), DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
    const setup = props(payload((await factory.post(build.get('AMT_SetupAndConfigurationService'))).body));
    assert.equal(setup.ProvisioningState, '0');
    assert.equal(props(payload((await factory.post(build.get('IPS_HostBasedSetupService'))).body)).CurrentControlMode, '0');
    assert.equal((await call(factory, AUTH, 'EnumerateUserAclEntries', '<h:StartIndex>1</h:StartIndex>')).TotalCount, '0', 'user entries are gone');
    assert.equal((await new DigestClient(target(), 'ops', 'Ops#Pass1').post(build.get('CIM_Chassis'))).status, 401);
    assert.equal((await call(factory, AUTH, 'GetAdminAclEntryStatus')).IsDefault, 'true');
    assert.equal((await call(factory, 'AMT_SetupAndConfigurationService', 'Unprovision')).ReturnValue, '32', 'INVALID_PROVISIONING_STATE');

    const hex = a1('admin', sim.device.identity.realm, 'Ccm#Admin1').toString('hex');
    const hbs = await call(factory, 'IPS_HostBasedSetupService', 'Setup',
      `<h:NetAdminPassEncryptionType>2</h:NetAdminPassEncryptionType><h:NetworkAdminPassword>${hex}</h:NetworkAdminPassword>`);
    assert.equal(hbs.ReturnValue, '0');
    const ccm = new DigestClient(target(), 'admin', 'Ccm#Admin1');
    const after = props(payload((await ccm.post(build.get('AMT_SetupAndConfigurationService'))).body));
    assert.deepEqual([after.ProvisioningState, after.ProvisioningMode], ['2', '4']);
    assert.equal(props(payload((await ccm.post(build.get('IPS_OptInService'))).body)).OptInRequired, '4294967295', 'CCM requires consent for everything');
    // In CCM a boot-option change needs the user's consent code first (SDK "User Consent").
    const bootXml = (await ccm.post(build.get('AMT_BootSettingData'))).body;
    const instance = payload(bootXml);
    const inner = instance.children.map((c) => `<h:${c.local}>${c.text}</h:${c.local}>`).join('');
    const putBoot = () => ccm.post(build.put('AMT_BootSettingData', `<h:AMT_BootSettingData xmlns:h="${instance.ns}">${inner}</h:AMT_BootSettingData>`));
    const denied = await putBoot();
    assert.equal(faultSubcode(denied.body), `{${NS.wsman}}AccessDenied`, 'no consent yet');
    assert.equal((await call(ccm, 'IPS_OptInService', 'StartOptIn')).ReturnValue, '0');
    const code = sim.device.optIn.code!; // what the host screen shows the user
    assert.equal((await call(ccm, 'IPS_OptInService', 'SendOptInCode', `<h:OptInCode>${code}</h:OptInCode>`)).ReturnValue, '0');
    assert.equal((await putBoot()).status, 200, 'with consent the boot settings change');

    const boot = await ccm.post(build.invoke('AMT_SetupAndConfigurationService', 'SetMEBxPassword', '<h:Password>Mebx#Pass1</h:Password>'));
    assert.equal(props(payload(boot.body)).ReturnValue, '3', 'SetMEBxPassword is for ACM only (INVALID_PT_MODE)');
  });

  test('the audit log records a failed log-in and a user addition, in order, with initiator and user', async () => {
    const wrong = new DigestClient(target(), 'admin', 'not-the-password');
    assert.equal((await wrong.post(build.get('AMT_GeneralSettings'))).status, 401);
    assert.equal((await addUser('auditor1', 'Audit#Pass1', [20])).ReturnValue, '0');

    const out = await call(admin, 'AMT_AuditLog', 'ReadRecords', '<h:StartIndex>1</h:StartIndex>');
    const records = ([] as string[]).concat(out.EventRecords).map(decodeAudit);
    assert.equal(out.TotalRecordCount, String(records.length));
    const failed = records.find((r) => r.app * 100 + r.event === 1605);
    assert.ok(failed, 'a 1605 "ACL access with invalid credentials" record');
    assert.equal(failed.initiator, 'admin');
    assert.equal(failed.address, '127.0.0.1');
    const added = records.find((r) => r.app * 100 + r.event === 1602);
    assert.ok(added, 'a 1602 "ACL entry added" record');
    assert.equal(added.initiator, DEFAULT_ACCOUNT.user, 'made by the admin over Digest');
    assert.equal(added.extended[0], 0);
    assert.equal(added.extended.subarray(2, 2 + added.extended[1]).toString(), 'auditor1', 'the new user is named in the extended data');
    assert.ok(records.indexOf(failed) < records.indexOf(added), 'oldest first');
    assert.ok(Math.abs(added.time - sim.device.rtcSeconds()) <= 5, 'stamped with the device clock');

    assert.equal((await powerOff(admin)).status, 200);
    const later = await call(admin, 'AMT_AuditLog', 'ReadRecords', `<h:StartIndex>${records.length + 1}</h:StartIndex>`);
    const power = ([] as string[]).concat(later.EventRecords).map(decodeAudit);
    assert.deepEqual(power.map((r) => [r.app * 100 + r.event, r.initiator]), [[1701, 'admin']], 'the soft-off is audited as 1701 Power Down, and paging starts at StartIndex');

    const auditor = new DigestClient(target(), 'auditor1', 'Audit#Pass1');
    const locked = await call(auditor, 'AMT_AuditLog', 'SetAuditLock', '<h:LockTimeoutInSeconds>60</h:LockTimeoutInSeconds><h:Flag>0</h:Flag>');
    assert.equal(locked.ReturnValue, '0');
    assert.equal(Number(props(payload((await auditor.post(build.get('AMT_AuditLog'))).body)).AuditState) & 2, 2, 'locked');
    sim.device.advance(61_000);
    assert.equal(Number(props(payload((await auditor.post(build.get('AMT_AuditLog'))).body)).AuditState) & 2, 0, 'the lock lapsed on the device clock');
    assert.equal((await call(auditor, 'AMT_AuditLog', 'SetAuditLock', '<h:Flag>1</h:Flag>')).ReturnValue, '16', 'no unprovisioning lock (AMT 12+)');
    assert.equal((await auditor.post(build.invoke('AMT_AuditLog', 'ReadRecords', '<h:StartIndex>1</h:StartIndex>'))).status, 200, 'the Audit Log realm reads it');
    assert.equal(faultSubcode((await powerOff(auditor)).body), `{${NS.wsman}}AccessDenied`);
  });
});
