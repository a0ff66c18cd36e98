/**
 * The method form against the real backend: fields built from the catalog's input parameters,
 * value maps as pick lists, references picked from the device's instances, and the invocation's
 * ReturnValue with its meaning.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MethodForm } from '../../../client/src/model/methodForm';
import { PowerStore } from '../../../client/src/model/power';
import { startBackend, type Backend } from './backend';

describe('method form', { timeout: 60_000 }, () => {
  let backend: Backend;
  before(async () => {
    backend = await startBackend();
  });
  after(async () => {
    await backend?.close();
  });

  const powerForm = () =>
    MethodForm.open(backend.request, { targetId: 'sim', className: 'CIM_PowerManagementService', method: 'RequestPowerStateChange' });

  test('the methods of a class come from the catalog', async () => {
    const methods = await MethodForm.methodsOf(backend.request, 'CIM_PowerManagementService');
    assert.ok(methods.some((m) => m.name === 'RequestPowerStateChange'));
  });

  test('RequestPowerStateChange lists PowerState as a pick list of its value map', async () => {
    const form = await powerForm();
    assert.deepEqual(form.fields.map((f) => f.param.name), ['PowerState', 'ManagedElement', 'Time', 'TimeoutPeriod']);
    const power = form.field('PowerState');
    assert.equal(power.input, 'choice');
    assert.equal(power.title, 'PowerState (uint16)');
    const choices = await form.choices('PowerState');
    assert.ok(choices.some((c) => c.value === '2' && c.label === '2 (Power On)'), JSON.stringify(choices));
    assert.ok(choices.some((c) => c.value === '8' && c.label === '8 (Power Off - Soft)'));
    assert.ok(choices.every((c) => !c.value.includes('..')), 'ranges are not choices');
  });

  test('ManagedElement is a reference picked from the enumerated CIM_ComputerSystem instances', async () => {
    const form = await powerForm();
    const field = form.field('ManagedElement');
    assert.equal(field.input, 'reference');
    assert.equal(field.param.eprClass, 'CIM_ComputerSystem');
    const choices = await form.choices('ManagedElement');
    assert.deepEqual(choices.map((c) => c.label).sort(), ['Intel(r) AMT Subsystem', 'Managed System']);
    const host = choices.find((c) => c.label === 'Managed System')!;
    assert.equal(host.value, 'CIM_ComputerSystem?CreationClassName=CIM_ComputerSystem&Name=ManagedSystem');
  });

  test('typed values are checked against the CIM type before anything is sent', async () => {
    const form = await powerForm();
    assert.match(form.validate('PowerState', '70000') ?? '', /uint16: give a value from 0 to 65535/);
    assert.match(form.validate('PowerState', 'soon') ?? '', /whole number/);
    assert.equal(form.validate('PowerState', 'Power On'), undefined, 'a value-map label is accepted');
    assert.equal(form.validate('PowerState', '8'), undefined);
  });

  test('invoking with picked values returns ReturnValue with its meaning, and the host goes off', async () => {
    const form = await powerForm();
    form.set('PowerState', '8');
    const [host] = (await form.choices('ManagedElement')).filter((c) => c.label === 'Managed System');
    form.set('ManagedElement', host!.value, host!.label);
    assert.equal(form.display('PowerState'), '8 (Power Off - Soft)');
    assert.equal(form.display('ManagedElement'), 'Managed System');
    assert.equal(form.display('Time'), 'not set');
    assert.deepEqual(form.input(), { PowerState: '8', ManagedElement: host!.value });
    const result = await form.invoke();
    assert.equal(result.returnValue, 0);
    assert.equal(result.returnMeaning, 'Completed with No Error');
    assert.match(result.report, /^CIM_PowerManagementService\.RequestPowerStateChange on Simulator/);
    assert.match(result.report, /ReturnValue: 0 \(Completed with No Error\)/);
    const state = await new PowerStore(backend.request).refresh('sim');
    assert.notEqual(state.powerState, 2);
  });

  test('a refused request comes back as a non-zero ReturnValue with its meaning, not an error', async () => {
    const form = await powerForm();
    form.set('PowerState', '8');
    const result = await form.invoke();
    assert.notEqual(result.returnValue, 0);
    assert.ok(result.returnMeaning.length > 0);
  });

  test('a method without inputs is invoked as it is, and its outputs are shown', async () => {
    const form = await MethodForm.open(backend.request, { targetId: 'sim', className: 'AMT_TimeSynchronizationService', method: 'GetLowAccuracyTimeSynch' });
    assert.deepEqual(form.fields, []);
    const result = await form.invoke();
    assert.equal(result.returnValue, 0);
    assert.deepEqual(result.output.map((o) => o.name), ['Ta0']);
    // Ta0 counts seconds since 1970: the date (UTC) and the raw value, in the output and the report.
    const m = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC \((\d+)\)$/.exec(result.output[0]!.text);
    assert.ok(m, result.output[0]!.text);
    assert.equal(new Date(Number(m[2]) * 1000).toISOString().slice(0, 19).replace('T', ' '), m[1]);
    assert.ok(result.report.includes(`  Ta0: ${result.output[0]!.text}`), result.report);
  });

  test('required parameters must be given before invoking', async () => {
    const form = await MethodForm.open(backend.request, { targetId: 'sim', className: 'AMT_TimeSynchronizationService', method: 'SetHighAccuracyTimeSynch' });
    assert.deepEqual(form.missing(), ['Ta0', 'Tm1', 'Tm2']);
    await assert.rejects(form.invoke(), /SetHighAccuracyTimeSynch needs Ta0, Tm1, Tm2/);
  });
});
