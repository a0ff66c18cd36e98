/**
 * The overview, hardware and storage features (server/src/features/{overview,hardware,storage})
 * against a simulator over a real socket: what each part reads, the SMBIOS asset tables decoded,
 * the 3PDS flow a user runs (enterprise, allocate, write, read back, free), the device's refusals
 * with their ReturnValue meanings, and that no write is sent twice or sent at all when the input
 * is refused first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AmtError } from '../../../server/src/errors';
import { readHardware, requestMediaUpdate } from '../../../server/src/features/hardware';
import { readOverview } from '../../../server/src/features/overview';
import { addEnterprise, allocateBlock, freeBlock, readBlock, readStorage, removeApplication, WORKBENCH_APP, writeBlock } from '../../../server/src/features/storage';
import { bench, type Bench } from '../boot/helpers';

const method = (a: string) => a.slice(a.lastIndexOf('/') + 1);

describe('overview, hardware and storage against the simulator', () => {
  let b: Bench;
  before(async () => {
    b = await bench({ model: 'laptop', amt: 16 });
  });
  after(() => b?.close());

  test('the overview names the device, its firmware, control mode, power, wired port and switches', async () => {
    const o = await readOverview(b.client);
    const d = b.sim.device;
    assert.deepEqual(o.problems, []);
    assert.equal(o.identity.hostName, d.identity.hostName);
    const hex = d.identity.uuidBytes.toString('hex');
    assert.equal(o.identity.systemId, `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
    assert.equal(o.firmware.amtVersion, d.identity.firmwareVersion);
    assert.equal(o.firmware.sku, 'Intel AMT Pro, Corporate');
    assert.equal(o.provisioning.stateText, 'post-provisioning (provisioned)');
    assert.equal(o.provisioning.controlMode, 'ACM');
    assert.deepEqual(o.power, { state: 2, label: 'On' });
    const wired = o.network.find((n) => n.name === 'Wired');
    assert.ok(wired, JSON.stringify(o.network));
    assert.match(wired.mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.deepEqual(o.redirection, { listener: true, sol: true, ider: true, kvm: true });
    assert.equal(o.consent.stateText, '0 (not started)');
    assert.deepEqual(b.writes(), [], 'reading the overview sends no method, Put or Create');
  });

  test('the overview follows the device: after a power-off it says Off', async () => {
    assert.equal(b.sim.device.requestPowerStateChange(8), 0);
    try {
      assert.equal((await readOverview(b.client)).power.label, 'Off - Soft');
    } finally {
      b.sim.device.requestPowerStateChange(2);
    }
  });

  test('hardware: MeshCommander\'s sections with the simulator\'s values, and the battery of a laptop', async () => {
    const h = await readHardware(b.client);
    const section = (id: string) => Object.fromEntries(h.sections.find((s) => s.id === id)?.rows ?? []);
    assert.deepEqual(h.sections.map((s) => s.id), ['platform', 'baseboard', 'bios', 'cpu-0', 'memory-0', 'memory-1', 'disk-0', 'disk-1', 'battery']);
    assert.equal(section('platform').Model, 'SIM-DESK-16');
    assert.equal(section('baseboard')['Product name'], 'SIM-BOARD-Q670');
    assert.equal(section('bios')['Release date'], '2024-03-18');
    assert.equal(section('cpu-0').Family, 'Core i7');
    assert.equal(section('cpu-0')['Max socket speed'], '4900 MHz');
    assert.deepEqual([section('memory-0').Size, section('memory-0').Type, section('memory-0')['Form factor']], ['16384 MB', 'DDR4', 'SODIMM']);
    assert.equal(section('disk-0').Size, '931.5 GB');
    assert.equal(section('battery').Chemistry, 'Lithium-ion');
    assert.deepEqual(h.sensors.map((s) => `${s.kind} ${s.id} ${s.state}`), ['sensor Sensor 1 Good', 'fan Fan 0 Not applicable']);
    assert.deepEqual(h.notServed, []);
  });

  test('the SMBIOS asset tables are decoded: the $AMT structure\'s switches, and a vPro structure that is not in Intel\'s layout is flagged', async () => {
    const h = await readHardware(b.client);
    assert.deepEqual(h.tableTypes, ['SMbios:130', 'SMbios:131']);
    const amt = h.assetTables.find((t) => t.tableType === 130)!.structures[0]!;
    assert.equal(amt.typeName, 'Intel AMT (OEM 130)');
    assert.equal(amt.handle, 0x82);
    const f = Object.fromEntries(amt.fields);
    assert.deepEqual([f.Signature, f['AMT enabled'], f['Serial over LAN enabled'], f['KVM enabled'], f['Terminal emulation']], ['$AMT', 'yes', 'yes', 'yes', 'VT100+']);
    const vpro = h.assetTables.find((t) => t.tableType === 131)!.structures[0]!;
    assert.match(vpro.problem ?? '', /no "vPro" identifier at offset 0x30/);
  });

  test('a desktop has no battery section, and asking for a media-table refresh is one method call', async () => {
    const desk = await bench({ model: 'desktop' });
    try {
      const h = await readHardware(desk.client);
      assert.ok(!h.sections.some((s) => s.id === 'battery'));
      const r = await requestMediaUpdate(desk.client);
      assert.match(r.message, /next boot/);
      assert.deepEqual(desk.writes().map(method), ['RequestMediaDeviceTableUpdate']);
    } finally {
      await desk.close();
    }
  });

  test('storage before any set-up: firmware components, limits, no applications — and nothing registered by reading', async () => {
    b.actions.length = 0;
    const r = await readStorage(b.client);
    assert.ok(r.available);
    assert.equal(r.software.find((c) => c.name === 'Sku')?.meaning, 'Intel AMT Pro, Corporate');
    assert.equal(r.limits?.mtu, 4096);
    assert.equal(r.limits?.global.MaxEaclEntries, 4);
    assert.deepEqual(r.applications, []);
    assert.ok(!b.writes().map(method).includes('RegisterApplication'), 'a read registers nothing');
  });

  test('allocating before the enterprise exists: the device refuses with INVALID_REGISTRATION_DATA and the sentence says what to do', async () => {
    await assert.rejects(allocateBlock(b.client, { name: 'early', size: 64 }), (e: unknown) => {
      assert.ok(e instanceof AmtError && e.code === 'storage.refused');
      assert.equal(e.message, `The device refused RegisterApplication with ReturnValue 9 (Invalid registration data (INVALID_REGISTRATION_DATA)): the registration was refused; add the "${WORKBENCH_APP.enterpriseName}" enterprise first (amtwb storage enterprise, or the Storage page's button).`);
      return true;
    });
  });

  test('enterprise, allocate, write text across two MTU pieces, read it back, then free: each write sent once', async () => {
    await addEnterprise(b.client);
    const block = await allocateBlock(b.client, { name: 'inventory', size: 6000 });
    b.actions.length = 0;
    const text = `${'A'.repeat(4096)}tail of the text`;
    const w = await writeBlock(b.client, { block: block.block, data: Buffer.from(text) });
    assert.deepEqual([w.bytesWritten, w.calls], [text.length, 2]);
    assert.deepEqual(b.writes().map(method), ['GetMTU', 'RegisterApplication', 'GetBlockAttributes', 'WriteBlock', 'WriteBlock', 'UnregisterApplication']);
    const back = await readBlock(b.client, { block: block.block, count: text.length });
    assert.equal(Buffer.from(back.data, 'base64').toString(), text);
    const r = await readStorage(b.client);
    const own = r.applications.find((a) => a.handle === r.ownHandle)!;
    assert.deepEqual(own.blocks.map((x) => [x.name, x.size]), [['inventory', 6000]]);
    assert.equal(r.bytesAvailable, 8192 - 6000);
    await freeBlock(b.client, block.block);
    assert.deepEqual((await readStorage(b.client)).applications.find((a) => a.handle === r.ownHandle)!.blocks, []);
  });

  test('a write over the block\'s end is refused before any WriteBlock is sent', async () => {
    const block = await allocateBlock(b.client, { name: 'small', size: 16 });
    b.actions.length = 0;
    await assert.rejects(writeBlock(b.client, { block: block.block, offset: 10, data: Buffer.from('0123456789') }), {
      message: 'Nothing was written: 10 bytes at offset 10 do not fit the 16-byte block (6 bytes are left there); shorten the data or allocate a larger block.',
    });
    assert.ok(!b.writes().map(method).includes('WriteBlock'));
    await freeBlock(b.client, block.block);
  });

  test('the device\'s own refusals carry their meaning: too much storage, an unknown block, an unknown application', async () => {
    await assert.rejects(allocateBlock(b.client, { name: 'huge', size: 100_000 }), /ReturnValue 11 \(Not enough storage \(NOT_ENOUGH_STORAGE\)\): the application has no room left/);
    await assert.rejects(readBlock(b.client, { block: 9999 }), /GetBlockAttributes with ReturnValue 13 \(Block does not exist \(BLOCK_DOES_NOT_EXIST\)\)/);
    await assert.rejects(removeApplication(b.client, 424242), /AdminRemoveApplication with ReturnValue 10 \(Application does not exist/);
  });
});
