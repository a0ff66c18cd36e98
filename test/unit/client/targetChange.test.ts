/** The Devices list applies one target's change at a time, as `amt/targets/changed` carries it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyTargetChange } from '../../../client/src/model/devicesTree';
import type { TargetInfo } from '../../../server/src/protocol';

const sim: TargetInfo = { id: 'sim', kind: 'sim', label: 'Simulator', removable: false, state: 'disconnected' };
const lab: TargetInfo = { id: 'admin@lab:16992', kind: 'remote', label: 'Lab', url: 'http://lab:16992', user: 'admin', removable: true, state: 'disconnected' };

test('an added target goes to the end, an update replaces it in place, a removal drops it', () => {
  let list = applyTargetChange([sim], { kind: 'added', target: lab });
  assert.deepEqual(list.map((t) => t.id), ['sim', 'admin@lab:16992']);
  list = applyTargetChange(list, { kind: 'updated', target: { ...sim, state: 'connected' } });
  assert.deepEqual(list.map((t) => `${t.id}:${t.state}`), ['sim:connected', 'admin@lab:16992:disconnected']);
  list = applyTargetChange(list, { kind: 'updated', target: { ...lab, state: 'wrong-password', error: 'Wrong password for admin on Lab' } });
  assert.equal(list[1]!.state, 'wrong-password');
  list = applyTargetChange(list, { kind: 'removed', targetId: 'sim' });
  assert.deepEqual(list.map((t) => t.id), ['admin@lab:16992']);
});

test('an update for a target the list does not hold yet adds it', () => {
  assert.deepEqual(applyTargetChange([], { kind: 'updated', target: sim }), [sim]);
});
