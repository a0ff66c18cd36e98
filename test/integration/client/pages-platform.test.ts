/**
 * The Overview, Hardware and Software-and-storage pages (client/src/pages/) rendered from the real
 * backend and its embedded simulator: each page's HTML shows what the device reports, its buttons
 * run against the device (power, a redirection switch, a 3PDS write and read back), and a write
 * that does not fit is refused by the form before anything reaches the backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pageOf } from '../../../client/src/pages/registry';
import type { ActionInput, AnyPageSpec, PageContext, PageUi } from '../../../client/src/pages/page';
import { Requests } from '../../../server/src/protocol';
import { startBackend, type Backend } from './backend';

const SIM = 'sim';

/** What a user reads in the HTML: tags dropped, entities decoded, whitespace collapsed. */
function visible(htmlText: string): string {
  return htmlText
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The element with `id` (its first opening tag up to the matching section end), as visible text. */
function sectionText(htmlText: string, id: string): string {
  const start = htmlText.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `no element with id ${id}`);
  const end = htmlText.indexOf('</section>', start);
  return visible(htmlText.slice(start + `id="${id}"`.length + 1, end < 0 ? undefined : end));
}

function scriptedUi(): PageUi & { opened: string[]; saved: Array<[string, string | Uint8Array]> } {
  const opened: string[] = [];
  const saved: Array<[string, string | Uint8Array]> = [];
  return {
    opened, saved,
    confirm: async () => true,
    password: async () => undefined,
    input: async () => undefined,
    pick: async () => undefined,
    saveFile: async (name, content) => (saved.push([name, content]), name),
    open: async () => undefined,
    diff: async () => undefined,
    openPage: async (kind) => void opened.push(kind),
  };
}

describe('device pages: overview, hardware, software and storage', { timeout: 120_000 }, () => {
  let backend: Backend;
  let page: PageContext;
  const ui = scriptedUi();
  const sent: string[] = [];
  const spec = (kind: string): AnyPageSpec => {
    const s = pageOf(kind);
    assert.ok(s, `no page ${kind} in the registry`);
    return s;
  };
  const show = async (kind: string) => {
    const s = spec(kind);
    const data = await s.load(page, new AbortController().signal);
    return { data, html: s.render(data, page).text };
  };
  const act = async (kind: string, action: string, data: unknown, input: Partial<ActionInput>) =>
    spec(kind).actions![action]!(page, data, { args: undefined, fields: {}, ...input }, ui, new AbortController().signal);

  before(async () => {
    backend = await startBackend();
    // Every request the pages send, by method name, so a test can show a refused form sent nothing.
    page = { targetId: SIM, label: 'Simulator', request: (type, params) => (sent.push(type.method), backend.request(type, params)) };
  });
  after(() => backend?.close());

  test('the overview shows identity, firmware, control mode, power, network and switches, with actions beside them', async () => {
    const { html } = await show('overview');
    assert.match(sectionText(html, 'identity'), /Host name amt-sim-[0-9a-f]+\S* Platform Simulated Systems Inc\. SIM-DESK-16/);
    assert.match(sectionText(html, 'firmware'), /AMT version 16\.1\.25 \(build 2049\) SKU Intel AMT Pro, Corporate/);
    assert.match(sectionText(html, 'provisioning'), /Control mode ACM/);
    assert.match(sectionText(html, 'power'), /Power state On \(2\)/);
    assert.match(sectionText(html, 'network'), /Wired .* ([0-9a-f]{2}:){5}[0-9a-f]{2} up/);
    assert.match(sectionText(html, 'redirection'), /Serial over LAN on Turn off/);
    assert.match(html, /data-action="power" data-args="\{&quot;action&quot;:&quot;off&quot;\}" data-confirm="Power the host off\?/);
    assert.match(sectionText(html, 'consent'), /Consent required for KVM only State 0 \(not started\)/);
  });

  test('the overview\'s buttons: SOL off and on again, power off and on, and the page buttons open the other pages', async () => {
    const { data } = await show('overview');
    assert.equal(await act('overview', 'redirection', data, { args: { name: 'sol', on: false } }), 'Serial over LAN is off now.');
    assert.match(sectionText((await show('overview')).html, 'redirection'), /Serial over LAN off Turn on/);
    assert.equal(await act('overview', 'redirection', data, { args: { name: 'sol', on: true } }), 'Serial over LAN is on now.');
    assert.match(String(await act('overview', 'power', data, { args: { action: 'off' } })), /^The device accepted "off"; the host is now Off/);
    assert.match(sectionText((await show('overview')).html, 'power'), /Power state Off - Soft \(8\)/);
    await act('overview', 'power', data, { args: { action: 'on' } });
    assert.equal((await backend.request(Requests.powerState, { targetId: SIM })).label, 'On');
    await act('overview', 'openPage', data, { args: { kind: 'hardware' } });
    await act('overview', 'openPage', data, { args: { kind: 'storage' } });
    assert.deepEqual(ui.opened, ['hardware', 'storage']);
  });

  test('the hardware page shows MeshCommander\'s sections, the decoded $AMT table, sensors, and saves JSON', async () => {
    const { data, html } = await show('hardware');
    assert.match(sectionText(html, 'platform'), /Manufacturer Simulated Systems Inc\. Model SIM-DESK-16/);
    assert.match(sectionText(html, 'cpu-0'), /Family Core i7 Max socket speed 4900 MHz/);
    assert.match(sectionText(html, 'memory-1'), /Bank BANK 2 .* Size 16384 MB/);
    assert.match(sectionText(html, 'smbios'), /SMbios:130: Intel AMT \(OEM 130\) \(handle 0x0082, 20 bytes\) Signature \$AMT AMT supported yes/);
    assert.match(sectionText(html, 'smbios'), /no "vPro" identifier at offset 0x30/);
    assert.match(sectionText(html, 'sensors'), /Sensor Sensor 1 Good OK/);
    assert.match(visible(html), /gathered by the BIOS at system boot time/);
    assert.equal(await act('hardware', 'save', data, {}), 'Saved the inventory to hardware-Simulator.json.');
    assert.equal(JSON.parse(String(ui.saved.at(-1)![1])).sections[0].title, 'Platform');
    assert.match(String(await act('hardware', 'mediaUpdate', data, {})), /next boot/);
  });

  test('the storage page: firmware components, limits, then enterprise, allocate, write and read back', async () => {
    let { data, html } = await show('storage');
    assert.match(sectionText(html, 'firmware'), /Sku 16392 Intel AMT Pro, Corporate/);
    assert.match(sectionText(html, 'limits'), /Bytes per read or write \(GetMTU\) 4096/);
    assert.match(sectionText(html, 'enterprises'), /Add the "AMT Workbench" enterprise No enterprise is registered: applications cannot register until one is\./);
    assert.equal(await act('storage', 'addEnterprise', data, {}), 'Enterprise "AMT Workbench" added (handle 1).');
    ({ data } = await show('storage'));
    assert.match(String(await act('storage', 'allocate', data, { fields: { name: 'page-notes', size: '64', hidden: false } })), /^Block (\d+) "page-notes" allocated \(64 bytes\)\.$/);
    ({ data, html } = await show('storage'));
    assert.match(sectionText(html, 'blocks'), /page-notes 64 bytes no AMT Workbench \/ AMT Workbench Read as text/);
    const block = (data as { applications: Array<{ blocks: Array<{ handle: number }> }> }).applications[0]!.blocks[0]!.handle;
    assert.equal(await act('storage', 'write', data, { fields: { block: String(block), offset: '0', format: 'hex', data: '48 69 21' } }), `3 bytes written to block ${block} at offset 0.`);
    assert.equal(await act('storage', 'read', data, { args: { block, format: 'text' } }), `Block ${block} (64 bytes, as text): Hi!`);
    assert.match(String(await act('storage', 'read', data, { args: { block, format: 'hex' } })), new RegExp(`^Block ${block} \\(64 bytes, as hex\\): 48 69 21 00 00`));
  });

  test('the storage form refuses a write that does not fit, and bad hex, with one sentence and nothing sent', async () => {
    const { data } = await show('storage');
    const block = (data as { applications: Array<{ blocks: Array<{ handle: number }> }> }).applications[0]!.blocks[0]!.handle;
    sent.length = 0;
    await assert.rejects(act('storage', 'write', data, { fields: { block: String(block), offset: '60', format: 'text', data: 'too long' } }), {
      message: 'Nothing was written: 8 bytes at offset 60 do not fit the 64-byte block (4 bytes are left there); shorten the data or allocate a larger block.',
    });
    await assert.rejects(act('storage', 'write', data, { fields: { block: String(block), offset: '0', format: 'hex', data: 'xyz' } }), /is not hex; type pairs of the digits 0-9 and a-f/);
    assert.deepEqual(sent, [], 'the refused writes sent no request');
    assert.equal(await act('storage', 'read', data, { args: { block, format: 'text' } }), `Block ${block} (64 bytes, as text): Hi!`, 'the block is unchanged');
    await assert.rejects(act('storage', 'allocate', data, { fields: { name: 'big', size: '9000' } }), /9000 bytes is more than the \d+ bytes this workbench may still allocate/);
  });

  test('Free removes the block from the page, and Remove takes the workbench\'s application off the device', async () => {
    let { data } = await show('storage');
    const app = (data as { ownHandle: number }).ownHandle;
    const block = (data as { applications: Array<{ blocks: Array<{ handle: number }> }> }).applications[0]!.blocks[0]!.handle;
    assert.equal(await act('storage', 'free', data, { args: { block } }), `Block ${block} freed.`);
    let html: string;
    ({ data, html } = await show('storage'));
    assert.match(sectionText(html, 'blocks'), /No blocks\./);
    assert.equal(await act('storage', 'removeApp', data, { args: { application: app } }), `Application ${app} and its blocks removed.`);
    ({ html } = await show('storage'));
    assert.match(sectionText(html, 'applications'), /No application is registered\./);
    await assert.rejects(act('storage', 'removeApp', data, { args: { application: app } }), /AdminRemoveApplication with ReturnValue 10 \(Application does not exist/);
  });
});
