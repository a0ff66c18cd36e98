/** CIRA configuration as RPS does it (AddMpServer, then policy rules naming the MPS), read back by enumeration. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, build, findAll, payload, props } from './helpers';
import { withSimulator } from './with-simulator';

describe('remote access (CIRA) configuration', () => {
  const t = withSimulator();

  async function items(cls: string) {
    const e = await t.client.post(build.enumerate(cls));
    const ctx = at(payload(e.body), 'EnumerationContext')!.text;
    const p = await t.client.post(build.pull(cls, ctx, 50));
    return findAll(payload(p.body), cls).map(props);
  }
  const addMps = async (host: string) => {
    const r = await t.client.post(
      build.invoke(
        'AMT_RemoteAccessService',
        'AddMpServer',
        `<h:AccessInfo>${host}</h:AccessInfo><h:InfoFormat>201</h:InfoFormat><h:Port>4433</h:Port><h:AuthMethod>2</h:AuthMethod>` +
          `<h:Username>cirauser</h:Username><h:Password>Cira#Pass1</h:Password><h:CN>${host}</h:CN>`,
      ),
    );
    return props(payload(r.body));
  };

  test('AddMpServer: the MPS appears in Enumerate of AMT_ManagementPresenceRemoteSAP; the same MPS twice is DUPLICATE', async () => {
    assert.deepEqual(await items('AMT_ManagementPresenceRemoteSAP'), []);
    assert.equal((await addMps('mps.example.com')).ReturnValue, '0');
    const saps = await items('AMT_ManagementPresenceRemoteSAP');
    assert.equal(saps.length, 1);
    assert.equal(saps[0].AccessInfo, 'mps.example.com');
    assert.equal(saps[0].Port, '4433');
    assert.equal(saps[0].InfoFormat, '201');
    assert.equal((await addMps('mps.example.com')).ReturnValue, '2058');
    const account = props(payload((await t.client.post(build.get('AMT_MPSUsernamePassword'))).body));
    assert.equal(account.RemoteID, 'cirauser');
    assert.equal(account.Password, undefined, 'the MPS password is never read back');
  });

  test('AddRemoteAccessPolicyRule: a periodic rule, tied to the MPS by AMT_RemoteAccessPolicyAppliesToMPS', async () => {
    const r = await t.client.post(
      build.invoke('AMT_RemoteAccessService', 'AddRemoteAccessPolicyRule', '<h:Trigger>2</h:Trigger><h:TunnelLifeTime>0</h:TunnelLifeTime><h:ExtendedData>AAAAAAAAABk=</h:ExtendedData>'),
    );
    assert.equal(props(payload(r.body)).ReturnValue, '0', r.body);
    const rules = await items('AMT_RemoteAccessPolicyRule');
    assert.deepEqual(rules.map((x) => [x.PolicyRuleName, x.Trigger]), [['Periodic', '2']]);
    const applies = await items('AMT_RemoteAccessPolicyAppliesToMPS');
    assert.equal(applies.length, 1);
    const again = await t.client.post(build.invoke('AMT_RemoteAccessService', 'AddRemoteAccessPolicyRule', '<h:Trigger>2</h:Trigger><h:TunnelLifeTime>0</h:TunnelLifeTime>'));
    assert.equal(props(payload(again.body)).ReturnValue, '2058');
  });
});
