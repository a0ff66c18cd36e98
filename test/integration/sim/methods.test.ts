/** Method calls that drive the device model: power, redirection, consent, the message log, time. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { decodeRecord } from '../../../server/src/sim/message-log';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { at, build, DigestClient, HOST_EPR_INPUT, parseTree, payload, props } from './helpers';

describe('simulator methods', () => {
  let sim: Simulator;
  let client: DigestClient;
  before(async () => {
    sim = await startSimulator({ port: 0 });
    client = new DigestClient({ host: sim.host, port: sim.port }, DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password);
  });
  after(() => sim.close());

  async function call(cls: string, method: string, inputs = ''): Promise<Record<string, string | string[]>> {
    const r = await client.post(build.invoke(cls, method, inputs));
    assert.equal(r.status, 200, r.body);
    const out = payload(r.body);
    assert.equal(out.local, `${method}_OUTPUT`);
    assert.equal(out.children.at(-1)?.local, 'ReturnValue', 'ReturnValue comes last');
    assert.equal(at(parseTree(r.body), 'Header', 'Action')?.text, `${out.ns}/${method}Response`);
    return props(out);
  }

  const powerState = async () => {
    const r = await client.post(build.get('CIM_AssociatedPowerManagementService'));
    return props(payload(r.body));
  };
  const requestPower = (state: number) =>
    call('CIM_PowerManagementService', 'RequestPowerStateChange', `<h:PowerState>${state}</h:PowerState>${HOST_EPR_INPUT}`);

  describe('RequestPowerStateChange', () => {
    beforeEach(async () => {
      if (sim.device.powerState !== 2) await requestPower(2);
    });

    test('soft-off turns the host off; PowerState reads back 8 and only power-on is offered', async () => {
      assert.equal((await requestPower(8)).ReturnValue, '0');
      const p = await powerState();
      assert.equal(p.PowerState, '8');
      assert.equal(p.AvailableRequestedPowerStates, '2');
      assert.equal(sim.device.powerState, 8);
    });

    test('soft-off while off is an invalid state transition (4097) and changes nothing', async () => {
      await requestPower(8);
      assert.equal((await requestPower(8)).ReturnValue, '4097');
      assert.equal((await powerState()).PowerState, '8');
    });

    test('power-on while on is an invalid state transition', async () => {
      assert.equal((await requestPower(2)).ReturnValue, '4097');
    });

    test('power cycle and reset pass through their steps and end On', async () => {
      const seen: Array<{ requested: number; steps: number[]; state: number }> = [];
      const onPower = (e: { requested: number; steps: number[]; state: number }) => seen.push(e);
      sim.device.on('power', onPower);
      try {
        assert.equal((await requestPower(5)).ReturnValue, '0');
        assert.equal((await requestPower(10)).ReturnValue, '0');
        assert.equal((await requestPower(9)).ReturnValue, '0');
      } finally {
        sim.device.off('power', onPower);
      }
      assert.deepEqual(seen.map((e) => [e.requested, e.steps, e.state]), [[5, [8, 2], 2], [10, [2], 2], [9, [6, 2], 2]]);
      assert.equal((await powerState()).PowerState, '2');
    });

    test('graceful off, hibernate, sleep and NMI follow the DMTF meanings', async () => {
      const cases: Array<[number, string]> = [[12, '8'], [7, '7'], [4, '4'], [11, '2'], [14, '2'], [6, '6']];
      for (const [request, result] of cases) {
        if (sim.device.powerState !== 2) await requestPower(2);
        assert.equal((await requestPower(request)).ReturnValue, '0', `request ${request}`);
        assert.equal((await powerState()).PowerState, result, `after ${request}`);
      }
    });

    test('the running host advertises the states real AMT lists', async () => {
      assert.deepEqual((await powerState()).AvailableRequestedPowerStates, ['10', '8', '5', '11', '4', '7', '14', '12']);
    });

    test('unsupported and out-of-range values are refused with 1 and 5', async () => {
      assert.equal((await requestPower(3)).ReturnValue, '1');
      assert.equal((await requestPower(99)).ReturnValue, '5');
    });

    test('CIM_ServiceAvailableToElement reflects the same power state', async () => {
      await requestPower(8);
      const e = await client.post(build.enumerate('CIM_ServiceAvailableToElement'));
      const ctx = at(payload(e.body), 'EnumerationContext')!.text;
      const r = await client.post(build.pull('CIM_ServiceAvailableToElement', ctx));
      assert.equal(props(at(payload(r.body), 'Items')!.children[0]).PowerState, '8');
    });
  });

  test('IPS_PowerManagementService.RequestOSPowerSavingStateChange sets OSPowerSavingState', async () => {
    if (sim.device.powerState !== 2) await requestPower(2);
    assert.equal((await call('IPS_PowerManagementService', 'RequestOSPowerSavingStateChange', '<h:OSPowerSavingState>3</h:OSPowerSavingState>')).ReturnValue, '0');
    const r = await client.post(build.get('IPS_PowerManagementService'));
    const body = payload(r.body);
    assert.equal(props(body).OSPowerSavingState, '3');
    assert.equal(body.children.at(-1)?.local, 'OSPowerSavingState', 'the subclass property stays last');
    assert.equal((await call('IPS_PowerManagementService', 'RequestOSPowerSavingStateChange', '<h:OSPowerSavingState>9</h:OSPowerSavingState>')).ReturnValue, '5');
  });

  test('AMT_RedirectionService.RequestStateChange switches SOL and IDE-R', async () => {
    assert.equal((await call('AMT_RedirectionService', 'RequestStateChange', '<h:RequestedState>32770</h:RequestedState>')).ReturnValue, '0');
    assert.equal(props(payload((await client.post(build.get('AMT_RedirectionService'))).body)).EnabledState, '32770');
    assert.equal((await call('AMT_RedirectionService', 'RequestStateChange', '<h:RequestedState>40000</h:RequestedState>')).ReturnValue, '5');
  });

  test('CIM_KVMRedirectionSAP.RequestStateChange disables (3) and enables (6 = enabled, idle) KVM', async () => {
    assert.equal((await call('CIM_KVMRedirectionSAP', 'RequestStateChange', '<h:RequestedState>3</h:RequestedState>')).ReturnValue, '0');
    assert.equal(props(payload((await client.post(build.get('CIM_KVMRedirectionSAP'))).body)).EnabledState, '3');
    assert.equal((await call('CIM_KVMRedirectionSAP', 'RequestStateChange', '<h:RequestedState>2</h:RequestedState>')).ReturnValue, '0');
    const p = props(payload((await client.post(build.get('CIM_KVMRedirectionSAP'))).body));
    assert.deepEqual([p.EnabledState, p.RequestedState], ['6', '2']);
  });

  describe('user consent (IPS_OptInService)', () => {
    const optInState = async () => props(payload((await client.post(build.get('IPS_OptInService'))).body)).OptInState;

    test('StartOptIn shows a code, SendOptInCode with it grants consent, CancelOptIn resets', async () => {
      assert.equal((await call('IPS_OptInService', 'StartOptIn')).ReturnValue, '0');
      assert.equal(await optInState(), '2');
      assert.match(sim.device.optIn.code!, /^\d{6}$/);
      assert.equal((await call('IPS_OptInService', 'StartOptIn')).ReturnValue, '2', 'already started');
      const wrong = String((Number(sim.device.optIn.code) + 1) % 1_000_000);
      assert.equal((await call('IPS_OptInService', 'SendOptInCode', `<h:OptInCode>${wrong}</h:OptInCode>`)).ReturnValue, '2069');
      assert.equal((await call('IPS_OptInService', 'SendOptInCode', `<h:OptInCode>${Number(sim.device.optIn.code)}</h:OptInCode>`)).ReturnValue, '0');
      assert.equal(await optInState(), '3');
      assert.equal((await call('IPS_OptInService', 'CancelOptIn')).ReturnValue, '0');
      assert.equal(await optInState(), '0');
      assert.equal((await call('IPS_OptInService', 'CancelOptIn')).ReturnValue, '2', 'nothing to cancel');
    });

    test('a displayed code lapses after OptInCodeTimeout seconds of device time', async () => {
      await call('IPS_OptInService', 'StartOptIn');
      sim.device.advance(121_000);
      assert.equal(await optInState(), '0');
      assert.equal((await call('IPS_OptInService', 'SendOptInCode', '<h:OptInCode>1</h:OptInCode>')).ReturnValue, '2');
    });
  });

  describe('AMT_MessageLog', () => {
    test('PositionToFirstRecord then GetRecords returns decodable 21-byte records until NoMoreRecords', async () => {
      const first = await call('AMT_MessageLog', 'PositionToFirstRecord');
      assert.deepEqual(first, { IterationIdentifier: '1', ReturnValue: '0' });
      const records: string[] = [];
      let id = first.IterationIdentifier as string;
      for (;;) {
        const out = await call('AMT_MessageLog', 'GetRecords', `<h:IterationIdentifier>${id}</h:IterationIdentifier><h:MaxReadRecords>2</h:MaxReadRecords>`);
        assert.equal(out.ReturnValue, '0');
        records.push(...([] as string[]).concat(out.RecordArray));
        id = out.IterationIdentifier as string;
        if (out.NoMoreRecords === 'true') break;
      }
      assert.equal(records.length, sim.device.logRecords().length);
      const decoded = records.map((b64) => decodeRecord(Buffer.from(b64, 'base64')));
      assert.ok(decoded.every((r, i) => Buffer.from(records[i], 'base64').length === 21 && r.deviceAddress === 0xff));
      assert.ok(decoded.some((r) => r.sensorType === 6 && r.eventData[0] === 0xaa), 'an authentication-failure record');
    });

    test('a record added by the device model appears in GetRecords and CurrentNumberOfRecords', async () => {
      const before = sim.device.logRecords().length;
      sim.device.addLogRecord({ sensorType: 35, eventData: [64] });
      const log = props(payload((await client.post(build.get('AMT_MessageLog'))).body));
      assert.equal(log.CurrentNumberOfRecords, String(before + 1));
      const out = await call('AMT_MessageLog', 'GetRecords', `<h:IterationIdentifier>${before + 1}</h:IterationIdentifier><h:MaxReadRecords>390</h:MaxReadRecords>`);
      const last = decodeRecord(Buffer.from(out.RecordArray as string, 'base64'));
      assert.deepEqual([last.sensorType, last.eventData[0]], [35, 64]);
      assert.equal(out.NoMoreRecords, 'true');
    });

    test('FreezeLog stops new records until the log is thawed', async () => {
      await call('AMT_MessageLog', 'FreezeLog', '<h:Freeze>true</h:Freeze>');
      assert.equal(props(payload((await client.post(build.get('AMT_MessageLog'))).body)).IsFrozen, 'true');
      assert.equal(sim.device.addLogRecord({ sensorType: 30 }), undefined);
      await call('AMT_MessageLog', 'FreezeLog', '<h:Freeze>false</h:Freeze>');
      assert.ok(sim.device.addLogRecord({ sensorType: 30 }));
    });

    test('GetRecords past the end is "invalid record pointed" (2)', async () => {
      const out = await call('AMT_MessageLog', 'GetRecords', '<h:IterationIdentifier>9999</h:IterationIdentifier><h:MaxReadRecords>1</h:MaxReadRecords>');
      assert.equal(out.ReturnValue, '2');
    });
  });

  test('GetLowAccuracyTimeSynch reports AMT\'s clock; SetHighAccuracyTimeSynch sets it', async () => {
    const t0 = Number((await call('AMT_TimeSynchronizationService', 'GetLowAccuracyTimeSynch')).Ta0);
    assert.ok(Math.abs(t0 - Math.floor(sim.device.now() / 1000)) <= 1);
    const target = 2_000_000_000;
    const set = await call('AMT_TimeSynchronizationService', 'SetHighAccuracyTimeSynch', `<h:Ta0>${t0}</h:Ta0><h:Tm1>${target}</h:Tm1><h:Tm2>${target}</h:Tm2>`);
    assert.equal(set.ReturnValue, '0');
    const t1 = Number((await call('AMT_TimeSynchronizationService', 'GetLowAccuracyTimeSynch')).Ta0);
    assert.ok(t1 - target >= 0 && t1 - target <= 1);
  });

  test('AMT_SetupAndConfigurationService.GetUuid returns the platform GUID bytes', async () => {
    const out = await call('AMT_SetupAndConfigurationService', 'GetUuid');
    const pkg = props(payload((await client.post(build.get('CIM_ComputerSystemPackage'))).body));
    assert.equal(Buffer.from(out.UUID as string, 'base64').toString('hex').toUpperCase(), pkg.PlatformGUID);
  });

  test('AMT_AuthorizationService.GetAdminAclEntry names the admin account', async () => {
    assert.deepEqual(await call('AMT_AuthorizationService', 'GetAdminAclEntry'), { Username: 'admin', ReturnValue: '0' });
  });
});
