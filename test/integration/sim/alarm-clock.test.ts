/** The alarm clock as consoles use it (AddAlarm with an embedded IPS_AlarmClockOccurrence; Delete by InstanceID). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACTION, at, build, envelope, findAll, HOST_EPR_INPUT, NS, payload, props, resourceUriFor } from './helpers';
import { withSimulator } from './with-simulator';

const IPS = resourceUriFor('IPS_AlarmClockOccurrence');

function template(id: string, start: Date, extra = ''): string {
  const when = start.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    `<h:AlarmTemplate><q:InstanceID xmlns:q="${IPS}">${id}</q:InstanceID><q:ElementName xmlns:q="${IPS}">${id}</q:ElementName>` +
    `<q:StartTime xmlns:q="${IPS}"><p:Datetime xmlns:p="${NS.common}">${when}</p:Datetime></q:StartTime>${extra}` +
    `<q:DeleteOnCompletion xmlns:q="${IPS}">true</q:DeleteOnCompletion></h:AlarmTemplate>`
  );
}

describe('alarm clock', () => {
  const t = withSimulator();

  const powerState = async () => props(payload((await t.client.post(build.get('CIM_AssociatedPowerManagementService'))).body)).PowerState;
  const alarms = async () => {
    const e = await t.client.post(build.enumerate('IPS_AlarmClockOccurrence'));
    const p = await t.client.post(build.pull('IPS_AlarmClockOccurrence', at(payload(e.body), 'EnumerationContext')!.text, 20));
    return findAll(payload(p.body), 'IPS_AlarmClockOccurrence').map(props);
  };

  test('AddAlarm powers an Off host on once the device clock passes StartTime, then the alarm is gone', async () => {
    const off = await t.client.post(build.invoke('CIM_PowerManagementService', 'RequestPowerStateChange', `<h:PowerState>8</h:PowerState>${HOST_EPR_INPUT}`));
    assert.match(off.body, /<g:ReturnValue>0</);
    assert.equal(await powerState(), '8');
    const r = await t.client.post(build.invoke('AMT_AlarmClockService', 'AddAlarm', template('wake-up', new Date(t.sim.device.now() + 3600_000))));
    const out = props(payload(r.body));
    assert.equal(out.ReturnValue, '0', r.body);
    assert.equal(findAll(payload(r.body), 'Selector')[0].text, 'wake-up');
    assert.deepEqual((await alarms()).map((a) => a.InstanceID), ['wake-up']);

    t.sim.device.advance(3599_000);
    assert.equal(await powerState(), '8', 'one second early: still off');
    t.sim.device.advance(2000);
    assert.equal(await powerState(), '2', 'the alarm powered the host on');
    assert.deepEqual(await alarms(), [], 'DeleteOnCompletion removed it');
  });

  test('an alarm with an Interval re-arms; Delete removes it; a missing one is DestinationUnreachable', async () => {
    const start = new Date(t.sim.device.now() + 60_000);
    const interval = `<q:Interval xmlns:q="${IPS}"><p:Interval xmlns:p="${NS.common}">P1DT0H0M</p:Interval></q:Interval>`;
    const r = await t.client.post(build.invoke('AMT_AlarmClockService', 'AddAlarm', template('daily', start, interval)));
    assert.equal(props(payload(r.body)).ReturnValue, '0', r.body);
    t.sim.device.advance(120_000);
    const [daily] = await alarms();
    assert.equal(daily.InstanceID, 'daily');
    const got = await t.client.post(build.get('IPS_AlarmClockOccurrence', { InstanceID: 'daily' }));
    const next = findAll(payload(got.body), 'Datetime')[0].text;
    assert.equal(Date.parse(next), start.getTime() - (start.getTime() % 1000) + 86400_000, 'next ring: one interval later');
    const del = () => t.client.post(envelope({ action: ACTION.delete, resourceUri: IPS, selectors: { InstanceID: 'daily' } }));
    assert.equal((await del()).status, 200);
    assert.deepEqual(await alarms(), []);
    assert.match((await del()).body, /DestinationUnreachable/);
  });
});
