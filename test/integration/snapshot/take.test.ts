/**
 * Snapshots of a simulated device over real sockets (features/snapshot/): every class the device
 * serves is in the file with its instances and their XML as sent; a class the account may not
 * read is kept with its fault; a Put between two snapshots is the one change their comparison
 * reports, while the audit log's clock and counters, which moved too, are set aside as volatile;
 * a cancelled snapshot returns nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Catalog } from '../../../server/src/catalog/catalog';
import { compareSnapshots, parseSnapshot, serializeSnapshot, takeSnapshot, renderSnapshot, type Snapshot } from '../../../server/src/features/snapshot';
import { instanceToJson, parseInstanceDocument } from '../../../server/src/features/instances';
import { digestA1, REALM } from '../../../server/src/sim/accounts/acl';
import { CancelledError } from '../../../server/src/wsman';
import { never, withRig } from './helpers';

const catalog = Catalog.default();

describe('taking a device snapshot', () => {
  const rig = withRig();

  it('holds every class the device serves, with as many instances as an enumeration returns, and the rest as not served', async () => {
    const client = await rig().client();
    const progress: number[] = [];
    const snap = await takeSnapshot(client, { device: { label: 'Test device' }, signal: never, onProgress: (p) => progress.push(p.done) });
    const all = catalog.listClasses().map((c) => c.name);
    assert.deepEqual([...Object.keys(snap.classes), ...snap.notServed].sort(), [...all].sort(), 'each catalog class is either in the snapshot or listed as not served');
    assert.equal(progress.length, all.length, 'one progress report per class');
    assert.equal(progress.at(-1), all.length);
    assert.equal(snap.device.productVersion, 'AMT 16.1');
    for (const name of Object.keys(snap.classes)) {
      const items = await client.enumerateAll(name);
      assert.equal(snap.classes[name]!.instances?.length, items.length, `${name}: as many instances as Enumerate/Pull return`);
    }
    for (const name of snap.notServed.slice(0, 10)) {
      await assert.rejects(client.enumerate(name), /does not serve this class/, `${name} is really not served`);
    }
    assert.ok(snap.classes.AMT_GeneralSettings, 'AMT_GeneralSettings is served');
    assert.ok(snap.notServed.length > 0, 'the catalog has classes this device does not serve');
    assert.ok(snap.classes.AMT_AgentPresenceInterfacePolicy, 'System Defense\'s Agent Presence port link is served (and so snapshotted)');
  });

  it('keeps each instance as the XML the device sent, standing alone, and its values as JSON', async () => {
    const snap = await takeSnapshot(await rig().client(), { device: { label: 'Test device' }, signal: never });
    const gs = snap.classes.AMT_GeneralSettings!.instances![0]!;
    assert.equal(gs.key, 'AMT_GeneralSettings?InstanceID=Intel(r) AMT: General Settings');
    assert.match(gs.xml, /^<h:AMT_GeneralSettings xmlns:h="http:\/\/intel\.com\/wbem\/wscim\/1\/amt-schema\/1\/AMT_GeneralSettings">/);
    assert.match(gs.xml, new RegExp(`<h:HostName>${rig().sim.device.identity.hostName}</h:HostName>`));
    let checked = 0;
    for (const [name, cls] of Object.entries(snap.classes)) {
      for (const inst of cls.instances ?? []) {
        // The XML parses on its own (its namespaces declared) and reads back to the same values.
        const doc = parseInstanceDocument(inst.xml);
        // Enumerating a class returns its subclasses' instances too (CIM_BootSettingData → AMT_BootSettingData).
        assert.ok(catalog.getClass(doc.instance.className).chain.includes(name), `${doc.instance.className} is a ${name}`);
        assert.deepEqual(instanceToJson(doc.instance), inst.properties, `${name} ${inst.key}`);
        checked++;
      }
    }
    assert.ok(checked > 100, `${checked} instances checked`);
    // Instances are in key order within their class, and the file reads back as it was written.
    for (const cls of Object.values(snap.classes)) {
      const keys = (cls.instances ?? []).map((i) => i.key);
      assert.deepEqual(keys, [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    assert.deepEqual(parseSnapshot(serializeSnapshot(snap)), snap);
  });

  it('records a class the account may not read with its fault, and carries on', async () => {
    const { sim } = rig();
    sim.device.accounts.add({ user: 'reader', a1: digestA1('reader', sim.device.identity.realm, 'R3ader!pass'), permission: 2, realms: [REALM.GeneralInfo, REALM.HardwareAsset] });
    const snap = await takeSnapshot(await rig().client('reader', 'R3ader!pass'), { device: { label: 'Test device' }, signal: never });
    const audit = snap.classes.AMT_AuditLog;
    assert.ok(audit?.fault, 'AMT_AuditLog is in the snapshot with a fault');
    assert.equal(audit.fault.subcode, 'AccessDenied');
    assert.equal(audit.instances, undefined);
    assert.ok(snap.classes.AMT_GeneralSettings?.instances?.length, 'a class the account may read is still there');
    assert.match(renderSnapshot(snap, catalog), /== AMT_AuditLog ==\n {2}refused: AccessDenied — /);
  });

  it('a Put between two snapshots is the only change; the audit log clock and counters that moved are volatile, not compared', async () => {
    const { sim } = rig();
    const client = await rig().client();
    const before = await takeSnapshot(client, { device: { label: 'Test device' }, signal: never });
    // A second passes, then a failed log-on: the firmware writes an audit record (a new TimeOfLastRecord, one more record).
    await new Promise((r) => setTimeout(r, 1100));
    await assert.rejects((await rig().client('admin', 'Wr0ng!pass')).get('AMT_GeneralSettings'), /Wrong user name or password/);
    const gs = await client.get('AMT_GeneralSettings');
    await client.put('AMT_GeneralSettings', { ...gs.properties, HostName: 'drifted-host' });
    const after = await takeSnapshot(client, { device: { label: 'Test device' }, signal: never });

    const audit = (s: Snapshot) => s.classes.AMT_AuditLog!.instances![0]!.properties;
    assert.notEqual(audit(before).TimeOfLastRecord, audit(after).TimeOfLastRecord, 'the audit log clock moved');
    assert.notEqual(audit(before).CurrentNumberOfRecords, audit(after).CurrentNumberOfRecords, 'the audit log counter moved');

    const { diff, report, beforeText, afterText } = compareSnapshots({ before: { name: 'before.json', text: serializeSnapshot(before) }, after: { name: 'after.json', text: serializeSnapshot(after) } });
    assert.equal(diff.same, false);
    assert.deepEqual(diff.changes, [{
      kind: 'property-changed', className: 'AMT_GeneralSettings', instance: 'AMT_GeneralSettings?InstanceID=Intel(r) AMT: General Settings',
      property: 'HostName', before: sim.device.identity.hostName, after: 'drifted-host',
    }]);
    const moved = diff.volatile.map((v) => `${v.className}.${v.property}`);
    assert.ok(moved.includes('AMT_AuditLog.TimeOfLastRecord') && moved.includes('AMT_AuditLog.CurrentNumberOfRecords'), moved.join(', '));
    assert.match(report, /^Drift: 1 change from before\.json \(Test device, [^)]+\) to after\.json/);
    assert.match(report, /~ AMT_GeneralSettings \[AMT_GeneralSettings\?InstanceID=Intel\(r\) AMT: General Settings\] HostName: \S+ → drifted-host/);
    assert.match(report, /AMT_AuditLog \[[^\]]+\] TimeOfLastRecord: \S+ → \S+ — volatile, not compared/);
    // The renderings differ in exactly the HostName line; the moving clock reads «volatile» on both sides.
    const a = beforeText.split('\n');
    const b = afterText.split('\n');
    assert.equal(a.length, b.length);
    const differing = a.map((line, i) => [line, b[i]]).filter(([x, y]) => x !== y);
    assert.deepEqual(differing, [[`  HostName: ${sim.device.identity.hostName}`, '  HostName: drifted-host']]);
    assert.ok(a.includes('  TimeOfLastRecord: «volatile»'));
  });

  it('two snapshots of an unchanged device compare as the same', async () => {
    const client = await rig().client();
    const a = await takeSnapshot(client, { device: { label: 'Test device' }, signal: never });
    const b = await takeSnapshot(client, { device: { label: 'Test device' }, signal: never });
    const { diff, report } = compareSnapshots({ before: { name: 'a', text: serializeSnapshot(a) }, after: { name: 'b', text: serializeSnapshot(b) } });
    assert.equal(diff.same, true, report);
    assert.match(report, /^No drift: a \(Test device, .*\) and b \(Test device, .*\) hold the same values\.\n$/);
  });

  it('cancelled part-way, it stops asking the device and returns nothing', async () => {
    const { sim } = rig();
    const client = await rig().client();
    const controller = new AbortController();
    let requests = 0;
    const count = () => requests++;
    sim.device.on('request', count);
    let reported = 0;
    try {
      await assert.rejects(
        takeSnapshot(client, {
          device: { label: 'Test device' },
          signal: controller.signal,
          onProgress: (p) => {
            reported = p.done;
            if (p.done === 20) controller.abort();
          },
        }),
        (e: unknown) => e instanceof CancelledError && /cancelled, so nothing was saved/.test((e as Error).message),
      );
      const atCancel = requests;
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(requests - atCancel <= 4, `at most the requests already in flight finish (${requests - atCancel} after the cancel)`);
      assert.ok(reported < 30, `no progress after the cancel (last ${reported})`);
    } finally {
      sim.device.off('request', count);
    }
  });
});
