/**
 * The class tree against the real backend and its embedded simulator: grouping by schema,
 * instances with their property values and value-map labels, following references, paging with
 * progress, and classes the device refuses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProbeProgress } from '../../../client/src/model/classProbe';
import { ClassTree, type WithProgress } from '../../../client/src/model/classTree';
import type { Request } from '../../../client/src/model/request';
import { Requests } from '../../../server/src/protocol';
import type { TreeNode } from '../../../client/src/model/tree';
import { startBackend, type Backend } from './backend';

describe('class tree', { timeout: 60_000 }, () => {
  let backend: Backend;
  before(async () => {
    backend = await startBackend();
  });
  after(async () => {
    await backend?.close();
  });

  const tree = (options: Partial<ConstructorParameters<typeof ClassTree>[2]> = {}) =>
    new ClassTree(backend.request, 'sim', { pageSize: 50, ...options });

  async function classNode(t: ClassTree, className: string): Promise<TreeNode> {
    const schema = (await t.roots()).find((n) => n.data.kind === 'schema' && className.toLowerCase().startsWith(n.data.schema));
    assert.ok(schema, `no schema group for ${className}`);
    const node = (await t.children(schema)).find((n) => n.label === className);
    assert.ok(node, `${className} is not listed`);
    return node;
  }

  async function propertiesOf(t: ClassTree, className: string, instance = 0): Promise<string[]> {
    const instances = await t.children(await classNode(t, className));
    const node = instances[instance];
    assert.ok(node && node.data.kind === 'instance', `no instance ${instance} of ${className}: ${instances.map((n) => n.label).join('; ')}`);
    return (await t.children(node)).map((p) => p.label);
  }

  test('groups the classes by schema: AMT, CIM and IPS, each with its class count', async () => {
    const roots = await tree().roots();
    assert.deepEqual(roots.map((n) => n.label), ['AMT', 'CIM', 'IPS']);
    for (const r of roots) assert.match(r.description ?? '', /^\d+ classes$/);
    const amt = await tree().children(roots[0]!);
    assert.ok(amt.length > 20);
    assert.ok(amt.every((n) => n.label.startsWith('AMT_')));
    assert.ok(amt.some((n) => n.label === 'AMT_GeneralSettings'));
  });

  test('expanding AMT_GeneralSettings shows its instance, whose properties carry their values', async () => {
    const t = tree();
    const props = await propertiesOf(t, 'AMT_GeneralSettings');
    assert.ok(props.includes('InstanceID: Intel(r) AMT: General Settings'), props.join('\n'));
    assert.ok(props.includes('DDNSTTL: 900'), props.join('\n'));
    assert.ok(props.includes('PingResponseEnabled: true'), props.join('\n'));
    // The class row now says how many instances the device has.
    assert.equal((await classNode(t, 'AMT_GeneralSettings')).description, '1 instance');
  });

  test('value-mapped properties show the label next to the value, as in PowerState: 2 (On)', async () => {
    const props = await propertiesOf(tree(), 'CIM_AssociatedPowerManagementService');
    assert.ok(props.includes('PowerState: 2 (On)'), props.join('\n'));
    assert.ok(props.some((p) => /^AvailableRequestedPowerStates: .*8 \(Power Off - Soft\)/.test(p)), props.join('\n'));
  });

  test('a reference-valued property expands to the instance it points at', async () => {
    const t = tree();
    const [instance] = await t.children(await classNode(t, 'CIM_AssociatedPowerManagementService'));
    const user = (await t.children(instance!)).find((p) => p.label.startsWith('UserOfService:'));
    assert.ok(user);
    assert.equal(user.collapsible, 'collapsed');
    const [target] = await t.children(user);
    assert.ok(target && target.data.kind === 'instance');
    assert.equal(target.data.ref.className, 'CIM_ComputerSystem');
    const props = (await t.children(target)).map((p) => p.label);
    assert.ok(props.includes('Name: ManagedSystem'), props.join('\n'));
    assert.ok(props.includes('ElementName: Managed System'), props.join('\n'));
  });

  test('a class the device does not serve says so in plain words after the first try', async () => {
    const t = tree();
    const changed: (TreeNode | undefined)[] = [];
    t.onDidChange((n) => changed.push(n));
    const node = await classNode(t, 'AMT_CRL');
    assert.equal(node.description, undefined);
    const rows = await t.children(node);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.label, 'Not served by this device');
    assert.equal(rows[0]!.description, undefined, 'no WS-Addressing fault name on the row');
    // The device's own words and the fault code are in the tooltip, for whoever wants them.
    assert.match(rows[0]!.tooltip ?? '', /does not serve this class.*\(WS-Management fault DestinationUnreachable\)/s);
    await new Promise((r) => setTimeout(r, 10));
    // The class row itself changed: the view redraws it with the mark.
    assert.ok(changed.includes(node));
    assert.equal(node.description, 'not served by this device');
    assert.equal(node.icon, 'circle-slash');
    assert.equal(node.contextValue, 'amt.class.unserved');
    assert.equal(t.faultOf('AMT_CRL')?.subcode, 'DestinationUnreachable');
    // Listing the group again keeps the mark.
    assert.equal((await classNode(t, 'AMT_CRL')).description, 'not served by this device');
  });

  test('the background probe marks every class the device does not serve, once per device, a few requests at a time', async () => {
    let probes = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const counting: Request = async (type, params) => {
      if (type.method !== Requests.probeClass.method) return backend.request(type, params);
      probes++;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await backend.request(type, params);
      } finally {
        inFlight--;
      }
    };
    const reports: [number, number][] = [];
    const titles: string[] = [];
    const withProgress: ProbeProgress = (title, work) => {
      titles.push(title);
      return work((done, total) => reports.push([done, total]), new AbortController().signal);
    };
    const t = new ClassTree(counting, 'sim', { pageSize: 50, probe: { withProgress, concurrency: 3, label: () => 'Simulator' } });
    const ended = new Promise<void>((resolve) => t.onDidChange(() => t.probeStatus.kind === 'done' && resolve()));
    const first = await t.roots();
    assert.match(first[0]!.description ?? '', /^\d+ classes · checking…$/);
    await ended;
    const status = t.probeStatus;
    assert.ok(status.kind === 'done');
    const catalog = await backend.request(Requests.listClasses, undefined);
    assert.equal(status.total, catalog.length);
    assert.ok(status.served > 20 && status.served < status.total, `${status.served} of ${status.total} served`);
    assert.equal(probes, catalog.length, 'one probe per catalog class');
    assert.ok(maxInFlight <= 3 && maxInFlight > 1, `${maxInFlight} probes in flight at most`);
    assert.deepEqual(titles, ['Checking which classes Simulator serves']);
    assert.deepEqual(reports.at(-1), [catalog.length, catalog.length]);

    const roots = await t.roots();
    for (const r of roots) assert.match(r.description ?? '', /^\d+ of \d+ classes served$/);
    const served = roots.reduce((n, r) => n + Number(/^(\d+) of/.exec(r.description!)![1]), 0);
    assert.equal(served, status.served);

    const audit = await classNode(t, 'AMT_CRL');
    assert.equal(audit.description, 'not served by this device');
    assert.equal(audit.icon, 'circle-slash');
    assert.equal((await classNode(t, 'AMT_GeneralSettings')).description, undefined);
    // Known refused: expanding it asks the device nothing more.
    const before = probes;
    const rows = await t.children(audit);
    assert.deepEqual(rows.map((r) => r.label), ['Not served by this device']);
    assert.equal(t.faultOf('AMT_CRL'), undefined, 'no enumeration was sent');

    // Listing the classes again (every expand does) does not probe again; the command does.
    await t.roots();
    await t.children(roots[0]!);
    assert.equal(probes, before);
    await t.probe();
    assert.equal(probes, before + catalog.length);
    assert.equal(t.probeStatus.kind, 'done');
  });

  test('large classes are enumerated in pages, reporting progress after each page', async () => {
    const reports: number[] = [];
    const titles: string[] = [];
    const withProgress: WithProgress = (title, work) => {
      titles.push(title);
      return work((n) => reports.push(n), new AbortController().signal);
    };
    const t = tree({ pageSize: 5, withProgress });
    const load = await t.load('CIM_SoftwareIdentity');
    assert.equal(load.items.length, 16);
    assert.deepEqual(titles, ['Enumerating CIM_SoftwareIdentity']);
    assert.deepEqual(reports, [5, 10, 15, 16]);
    const names = load.items.map((v) => v.label);
    assert.ok(names.includes('AMT') && names.includes('Flash'), names.join(', '));
  });

  test('stopping a long enumeration keeps the instances loaded so far and says so', async () => {
    let stopAt = 5;
    const withProgress: WithProgress = (_title, work) => {
      const stop = new AbortController();
      return work((n) => {
        if (n >= stopAt) stop.abort();
      }, stop.signal);
    };
    const t = tree({ pageSize: 5, withProgress });
    const node = await classNode(t, 'CIM_SoftwareIdentity');
    const rows = await t.children(node);
    assert.equal(rows.filter((r) => r.data.kind === 'instance').length, 5);
    assert.match(rows.at(-1)!.label, /^Stopped after 5 instances/);
    assert.equal(node.description, '5 instances (stopped)');
    // Refreshed, the next expansion reads the whole class.
    t.refresh('CIM_SoftwareIdentity');
    stopAt = Infinity;
    const again = await t.children(node);
    assert.equal(again.filter((r) => r.data.kind === 'instance').length, 16);
    assert.equal(node.description, '16 instances');
  });

  test('the filter keeps only class names containing it and says how many of each group match', async () => {
    let filter = 'generalsettings';
    const t = tree({ filter: () => filter });
    const roots = await t.roots();
    assert.deepEqual(roots.map((r) => `${r.label} ${r.description}`), [`AMT 1 of ${roots[0]!.description!.split(' of ')[1]}`]);
    assert.deepEqual((await t.children(roots[0]!)).map((n) => n.label), ['AMT_GeneralSettings']);
    filter = 'no such class';
    const none = await t.roots();
    assert.equal(none.length, 1);
    assert.match(none[0]!.label, /No class name contains "no such class"/);
  });
});
