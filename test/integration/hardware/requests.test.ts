/**
 * The amt/overview, amt/hardware and amt/storage requests through the real backend (main.ts over
 * stdio, its embedded simulator): each answers with what the device reports, and a refusal comes
 * back as a ResponseError whose message is the one sentence and whose data carries the code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, errorMessage } from '../../../client/src/model/request';
import { HardwareRequests, OverviewRequests, StorageRequests } from '../../../server/src/protocol';
import { startBackend, type Backend } from '../client/backend';

const SIM = { targetId: 'sim' };

describe('overview, hardware and storage requests', { timeout: 120_000 }, () => {
  let backend: Backend;
  before(async () => {
    backend = await startBackend();
  });
  after(() => backend?.close());

  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return { code: errorCode(err), message: errorMessage(err) };
    }
    assert.fail('the request was not refused');
  };

  test('OverviewRequests.report and HardwareRequests.report describe the same platform', async () => {
    const o = await backend.request(OverviewRequests.report, SIM);
    const h = await backend.request(HardwareRequests.report, SIM);
    assert.match(o.identity.hostName, /^amt-sim-/);
    assert.equal(o.identity.systemId, Object.fromEntries(h.sections.find((s) => s.id === 'platform')!.rows)['System ID']);
    assert.equal(o.identity.model, 'SIM-DESK-16');
    assert.ok(h.assetTables.length >= 2);
    const r = await backend.request(HardwareRequests.requestMediaUpdate, SIM);
    assert.equal(r.returnValue, 0);
  });

  test('StorageRequests: enterprise, allocate, write, read, free, remove; refusals carry their code and sentence', async () => {
    const before = await backend.request(StorageRequests.report, SIM);
    assert.equal(before.limits?.mtu, 4096);
    const e = await backend.request(StorageRequests.addEnterprise, SIM);
    assert.equal(e.name, 'AMT Workbench');
    const again = await refusal(backend.request(StorageRequests.addEnterprise, SIM));
    assert.equal(again.code, 'storage.refused');
    assert.match(again.message, /^The device refused AddStorageEaclEntry with ReturnValue 12 \(Invalid name \(INVALID_NAME\)\): /);
    const a = await backend.request(StorageRequests.allocate, { ...SIM, name: 'lsp', size: 10 });
    const w = await backend.request(StorageRequests.write, { ...SIM, block: a.block, data: Buffer.from('0123456789').toString('base64') });
    assert.equal(w.bytesWritten, 10);
    const r = await backend.request(StorageRequests.read, { ...SIM, block: a.block, offset: 4, count: 3 });
    assert.equal(Buffer.from(r.data, 'base64').toString(), '456');
    const over = await refusal(backend.request(StorageRequests.write, { ...SIM, block: a.block, offset: 9, data: Buffer.from('xy').toString('base64') }));
    assert.deepEqual(over, { code: 'storage.invalid', message: 'Nothing was written: 2 bytes at offset 9 do not fit the 10-byte block (1 byte is left there); shorten the data or allocate a larger block.' });
    await backend.request(StorageRequests.free, { ...SIM, block: a.block });
    const after = await backend.request(StorageRequests.report, SIM);
    await backend.request(StorageRequests.removeApplication, { ...SIM, application: after.ownHandle! });
    assert.deepEqual((await backend.request(StorageRequests.report, SIM)).applications, []);
  });
});
