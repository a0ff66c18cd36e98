/**
 * Agent presence (Intel AMT SDK: AMT_AgentPresenceWatchdog) through the product's features/watchdog/agents.ts against the
 * simulator: create → register → assert → silence → Expired, with the action that fires on that
 * transition recorded in the firmware log and sent to the event subscriber.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import {
  addAgentAction, agentDeviceId, assertPresence, assertShutdown, createAgent, deleteAllAgentActions, listAgentActions, listAgents, registerAgent,
} from '../../../server/src/features/watchdog';
import { readMessageLog } from '../../../server/src/features/log';
import { followEvents, type AmtEvent, type EventStream } from '../../../server/src/features/events';
import { WsmanFaultError } from '../../../server/src/wsman';
import { deliveries, eventually, startFixture, type Fixture } from './helpers';

const AGENT = '6c1f3a52-9e0b-4b7e-8d21-5a4f0c3e9b11';
const OTHER = '03020100-0504-0706-0809-0a0b0c0d0e0f';

describe('agent presence', () => {
  let f: Fixture;
  let stream: EventStream;
  const events: AmtEvent[] = [];
  const state = async (guid = AGENT) => (await listAgents(f.client)).find((a) => a.agent === guid)?.stateLabel;
  before(async () => {
    f = await startFixture();
    stream = await followEvents(f.client);
    stream.sink.on('event', (e: AmtEvent) => events.push(e));
  });
  after(async () => {
    await stream.close();
    await f.close();
  });

  it('a created watchdog is listed Not Started with its intervals', async () => {
    await createAgent(f.client, AGENT, { timeoutIntervalSeconds: 60, startupIntervalSeconds: 600 });
    assert.deepEqual(await listAgents(f.client), [{
      agent: AGENT, deviceId: agentDeviceId(AGENT), state: 1, stateLabel: 'Not Started', startupIntervalSeconds: 600, timeoutIntervalSeconds: 60,
      name: 'Intel(r) AMT Agent Presence Watchdog',
    }]);
    const again = await createAgent(f.client, AGENT).then(() => undefined, (e: unknown) => e);
    assert.ok(again instanceof WsmanFaultError && again.subcode === 'AlreadyExists');
  });

  it('an action "any → Expired, log and event" is listed with its condition', async () => {
    await addAgentAction(f.client, AGENT, { oldState: 31, newState: 8, eventOnTransition: true });
    const actions = await listAgentActions(f.client);
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.oldStateLabel, 'Any');
    assert.equal(actions[0]!.newStateLabel, 'Expired');
    assert.equal(actions[0]!.eventOnTransition, true);
  });

  it('register → assert keeps it Running; silence past the timeout expires it and the action fires once', async () => {
    const { sessionSequenceNumber: seq, timeoutIntervalSeconds } = await registerAgent(f.client, AGENT);
    assert.equal(timeoutIntervalSeconds, 60);
    assert.equal(await state(), 'Running');
    f.sim.device.advance(50_000);
    await assertPresence(f.client, AGENT, seq + 1);
    f.sim.device.advance(50_000);
    assert.equal(await state(), 'Running');
    f.sim.device.advance(11_000);
    assert.equal(await state(), 'Expired');

    const performed = f.sim.device.agentPresence.performed;
    assert.equal(performed.length, 1);
    assert.deepEqual([performed[0]!.previous, performed[0]!.state, performed[0]!.eventOnTransition], [4, 8, true]);

    const records = (await readMessageLog(f.client)).filter((r) => r.sensorType === 18);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.description, `Agent watchdog ${AGENT.slice(0, 8)}-${AGENT.slice(9, 13)}-… changed to Expired`);

    await deliveries(f.sim);
    await eventually(() => events.length === 1);
    assert.equal(events[0]!.messageId, 'iAMT0005');
    assert.deepEqual(events[0]!.messageArguments, [AGENT]);
    assert.equal(events[0]!.text, `Agent Presence agent ${AGENT} expired.`);
  });

  it('a late assert revives it; a stale sequence number is refused with the reason', async () => {
    const [{ sessionSequenceNumber: seq }] = [await registerAgent(f.client, AGENT)];
    await assertPresence(f.client, AGENT, seq + 1);
    f.sim.device.advance(61_000);
    assert.equal(await state(), 'Expired');
    await assertPresence(f.client, AGENT, seq + 2);
    assert.equal(await state(), 'Running');
    await assert.rejects(assertPresence(f.client, AGENT, seq + 2), (e: unknown) =>
      e instanceof AmtError && e.code === 'agent.failed' && /returned 36/.test(e.message) && /larger than the last one/.test(e.message));
  });

  it('shutdown stops it; asserting after that needs a new registration', async () => {
    const { sessionSequenceNumber: seq } = await registerAgent(f.client, AGENT);
    await assertShutdown(f.client, AGENT, seq + 1);
    assert.equal(await state(), 'Stopped');
    f.sim.device.advance(3_600_000);
    assert.equal(await state(), 'Stopped', 'a stopped agent does not expire');
    await assert.rejects(assertPresence(f.client, AGENT, seq + 2), /register the agent first/);
  });

  it('an agent that never registers expires after its startup interval', async () => {
    await createAgent(f.client, OTHER, { startupIntervalSeconds: 30, timeoutIntervalSeconds: 120 });
    f.sim.device.advance(29_000);
    assert.equal(await state(OTHER), 'Not Started');
    f.sim.device.advance(2_000);
    assert.equal(await state(OTHER), 'Expired');
  });

  it('the host leaving S0 suspends the watchdogs; back on, they wait for a new registration', async () => {
    await registerAgent(f.client, OTHER);
    f.sim.device.requestPowerStateChange(8);
    assert.equal(await state(OTHER), 'Suspended');
    f.sim.device.advance(3_600_000);
    assert.equal(await state(OTHER), 'Suspended', 'timers count only in S0');
    f.sim.device.requestPowerStateChange(2);
    assert.equal(await state(OTHER), 'Not Started');
  });

  it('DeleteAllActions removes the agent’s actions; Delete removes the watchdog', async () => {
    await deleteAllAgentActions(f.client, AGENT);
    assert.deepEqual(await listAgentActions(f.client), []);
    await f.client.delete('AMT_AgentPresenceWatchdog', { DeviceID: agentDeviceId(OTHER) });
    assert.deepEqual((await listAgents(f.client)).map((a) => a.agent), [AGENT]);
  });
});
