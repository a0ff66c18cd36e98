/** Power state and actions against a simulator on a real socket. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, DEFAULT_ACCOUNT } from '../../../server/src/sim';
import { WsmanClient, tcpTransport } from '../../../server/src/wsman';
import { getPowerState, requestPowerAction, POWER_ACTIONS, type PowerClient } from '../../../server/src/features/power';
import { AmtError } from '../../../server/src/errors';

describe('power against the simulator', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let client: WsmanClient;

  before(async () => {
    sim = await startSimulator({ port: 0 });
    client = new WsmanClient({ transport: tcpTransport('127.0.0.1', sim.port), ...DEFAULT_ACCOUNT });
  });
  after(async () => {
    client?.close();
    await sim?.close();
  });

  test('a new device is On, and says what it would accept', async () => {
    const state = await getPowerState(client);
    assert.equal(state.powerState, 2);
    assert.equal(state.label, 'On');
    assert.ok(state.available.some((a) => a.value === 10 && a.label === 'Master Bus Reset'));
    assert.ok(state.available.some((a) => a.value === 8 && a.label === 'Power Off - Soft'));
  });

  test('off: ReturnValue 0 with its meaning, and the state reads back Off - Soft', async () => {
    const r = await requestPowerAction(client, 'off');
    assert.deepEqual(r, { returnValue: 0, returnMeaning: 'Completed with No Error', powerState: { powerState: 8, label: 'Off - Soft' } });
  });

  test('off again: a refusal is an AmtError carrying ReturnValue and meaning', async () => {
    await assert.rejects(
      requestPowerAction(client, 'off'),
      (e: unknown) => e instanceof AmtError && e.code === 'power.refused' && /ReturnValue 4097: Invalid State Transition/.test(e.message),
    );
  });

  test('on, reset and cycle leave the host On', async () => {
    assert.equal((await requestPowerAction(client, 'on')).powerState?.label, 'On');
    assert.equal((await requestPowerAction(client, 'reset')).powerState?.powerState, 2);
    assert.equal((await requestPowerAction(client, 'cycle')).powerState?.powerState, 2);
  });

  test('soft-off needs the OS and ends Off - Soft; soft-reset from On stays On', async () => {
    assert.equal((await requestPowerAction(client, 'soft-reset')).powerState?.powerState, 2);
    assert.equal((await requestPowerAction(client, 'soft-off')).powerState?.label, 'Off - Soft');
    await requestPowerAction(client, 'on');
  });

  test('the device saw RequestPowerStateChange with the DMTF value', async () => {
    const seen: number[] = [];
    const listener = (c: { requested: number }) => seen.push(c.requested);
    sim.device.on('power', listener);
    try {
      await requestPowerAction(client, 'reset', { readBack: false });
    } finally {
      sim.device.off('power', listener);
    }
    assert.deepEqual(seen, [10]);
  });
});

describe('power requests on the wire', () => {
  test('each action maps to the RequestPowerStateChange value of DMTF DSP1027', () => {
    assert.deepEqual({ ...POWER_ACTIONS }, { on: 2, cycle: 5, off: 8, reset: 10, 'soft-off': 12, 'soft-reset': 14 });
  });

  test('the request names CIM_ComputerSystem ManagedSystem as ManagedElement and sends no selectors', async () => {
    const calls: unknown[][] = [];
    const fake: PowerClient = {
      enumerateAll: async () => [],
      invoke: async (...args) => {
        calls.push(args);
        return { returnValue: 0, returnMeaning: 'Completed with No Error', output: {} };
      },
    };
    const r = await requestPowerAction(fake, 'soft-off', { readBack: false });
    assert.deepEqual(r, { returnValue: 0, returnMeaning: 'Completed with No Error' });
    const [cls, method, input, selectors] = calls[0]!;
    assert.equal(cls, 'CIM_PowerManagementService');
    assert.equal(method, 'RequestPowerStateChange');
    assert.equal(selectors, undefined);
    assert.deepEqual(input, {
      PowerState: '12',
      ManagedElement: {
        kind: 'epr',
        address: '',
        resourceUri: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem',
        selectors: { CreationClassName: 'CIM_ComputerSystem', Name: 'ManagedSystem' },
      },
    });
  });

  test('an unknown action and a device without the power association are clear errors', async () => {
    const fake: PowerClient = { enumerateAll: async () => [], invoke: async () => ({ returnValue: 0, returnMeaning: '', output: {} }) };
    await assert.rejects(requestPowerAction(fake, 'explode' as never), (e: unknown) => e instanceof AmtError && e.code === 'power.invalid-action');
    await assert.rejects(getPowerState(fake), (e: unknown) => e instanceof AmtError && e.code === 'power.unavailable');
  });
});
