/** Agent GUIDs and AMT DeviceIDs (Intel AMT SDK "Agent Presence"), and state masks as words. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmtError } from '../../../../server/src/errors';
import { agentDeviceId, agentGuid, stateLabel } from '../../../../server/src/features/watchdog';

test('a GUID becomes the base64 of its 16 little-endian-layout bytes, as the SDK example shows', () => {
  assert.equal(agentDeviceId('03020100-0504-0706-0809-0A0B0C0D0E0F'), 'AAECAwQFBgcICQoLDA0ODw==');
  assert.equal(agentGuid('AAECAwQFBgcICQoLDA0ODw=='), '03020100-0504-0706-0809-0a0b0c0d0e0f');
});

test('an all-zero GUID is refused before anything is sent', () => {
  assert.throws(() => agentDeviceId('00000000-0000-0000-0000-000000000000'), (e: unknown) => e instanceof AmtError && e.code === 'agent.guid');
});

test('state masks read as words', () => {
  assert.equal(stateLabel(8), 'Expired');
  assert.equal(stateLabel(31), 'Any');
  assert.equal(stateLabel(4 | 8), 'Running or Expired');
});
