/** A refused power action re-reads the state and says it in the editor's words, not the CLI's. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeReading, editorWording, PowerStore } from '../../../client/src/model/power';
import { Requests } from '../../../server/src/protocol';
import type { Request } from '../../../client/src/model/request';

const REFUSED = 'The device refused to turn the host on (ReturnValue 4097: Invalid State); the host is probably already on, so check "power status".';

test('a refused Power on re-reads the state, which every power view then shows, and names it', async () => {
  const request = (async (type: { method: string }) => {
    if (type.method === Requests.powerAction.method) throw Object.assign(new Error(REFUSED), { data: { code: 'power.refused' } });
    return { powerState: 2, label: 'On' };
  }) as unknown as Request;
  const store = new PowerStore(request);
  const changed: string[] = [];
  store.onDidChange((id) => changed.push(id));
  await assert.rejects(store.run('sim', 'on'), {
    message: 'The device refused to turn the host on (ReturnValue 4097: Invalid State); the host is On (2) now.',
  });
  assert.equal(describeReading(store.get('sim')), 'On (2)');
  assert.deepEqual(changed, ['sim']);
});

test('without a state read the refusal points at the Power view; other sentences pass unchanged', () => {
  assert.equal(editorWording(REFUSED, undefined), "The device refused to turn the host on (ReturnValue 4097: Invalid State); refresh the Power view to see the host's state.");
  const other = 'The device refused to reset the host (ReturnValue 1: Not Supported); this firmware does not support that action, so try plain on, off, cycle or reset.';
  assert.equal(editorWording(other, { powerState: 2, label: 'On' }), other);
});
