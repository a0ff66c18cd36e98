/**
 * The Software and storage page (amt/storage/*): AMT's firmware components, then third-party data
 * storage — its limits, enterprises, partner allocations, registered applications and their
 * blocks — with forms to allocate a block and to write one as text or hex. A write that does not
 * fit the block, or hex that is not hex, is refused here with one sentence before anything is
 * sent; what the device refuses comes back with its ReturnValue's meaning. A block read shows in
 * the banner.
 */
import { StorageRequests, type StorageBlockView, type StorageReport } from '../../../server/src/protocol';
import { BlockDataError, formatBlockData, parseBlockData, writeProblem, type BlockFormat } from '../../../server/src/features/storage/data';
import { badge, button, form, html, keyValues, section, table, type Safe } from './html';
import type { ActionInput, PageSpec } from './page';

/** At most this much of a block shows in the banner; "Save block" writes all of it. */
const SHOWN = 600;

function ownBlocks(r: StorageReport): StorageBlockView[] {
  return r.applications.find((a) => a.handle === r.ownHandle)?.blocks ?? [];
}

function storageBody(r: StorageReport): Safe {
  if (!r.available) return html`<p class="empty" id="unavailable">${r.unavailable ?? ''}</p>`;
  const l = r.limits!;
  const hasEnterprise = r.enterprises.some((e) => e.name === r.identity.enterpriseName);
  const own = ownBlocks(r);
  const blockRows = r.applications.flatMap((a) =>
    a.blocks.map((b) => [
      String(b.handle),
      b.problem ? html`<span class="error">${b.problem}</span>` : b.name,
      b.problem ? '' : `${b.size} bytes`,
      b.hidden ? 'yes' : 'no',
      `${a.vendorName} / ${a.applicationName}`,
      b.problem ? '' : html`${button('Read as text', 'read', { block: b.handle, format: 'text' })} ${button('Read as hex', 'read', { block: b.handle, format: 'hex' })} ${button('Save block', 'saveBlock', { block: b.handle })}${a.handle === r.ownHandle ? html` ${button('Free', 'free', { block: b.handle }, { confirm: `Free block ${b.handle} "${b.name}"? Its ${b.size} bytes are lost.` })}` : ''}`,
    ]),
  );
  return html`
${section('Limits', keyValues([
  ['Bytes per read or write (GetMTU)', String(l.mtu)],
  ...Object.entries(l.global).map(([k, n]) => [k, String(n)] as const),
  ...(r.bytesAvailable !== undefined ? [['This workbench may still allocate', `${r.bytesAvailable} bytes`] as const] : []),
]), undefined, 'limits')}
${section('Enterprises', table(['Handle', 'Name'], r.enterprises.map((e) => [String(e.handle), e.name]), 'No enterprise is registered: applications cannot register until one is.'),
  hasEnterprise ? undefined : button(`Add the "${r.identity.enterpriseName}" enterprise`, 'addEnterprise', undefined, { primary: true }), 'enterprises')}
${section('Partner allocations', table(['Handle', 'Vendor', 'Application', 'Size', 'Partner'], r.allocations.map((a) => [String(a.handle), a.vendorName, a.applicationName, `${a.totalAllocationSize} bytes`, a.partner ? 'yes' : 'no'])), undefined, 'allocations')}
${section('Registered applications', table(['Handle', 'Vendor', 'Application', 'Enterprise', 'Allocated', 'Flags', ''], r.applications.map((a) => [
  String(a.handle), a.vendorName, a.applicationName, a.enterpriseName, `${a.allocated} bytes`,
  html`${a.partner ? badge('partner', 'info') : ''}${a.activeSession ? badge('in session', 'warn') : ''}${a.handle === r.ownHandle ? badge('this workbench', 'ok') : ''}`,
  button('Remove', 'removeApp', { application: a.handle }, { confirm: `Remove application ${a.handle} (${a.vendorName} / ${a.applicationName}) and all its blocks?` }),
]), 'No application is registered.'), undefined, 'applications')}
${section('Blocks', table(['Handle', 'Name', 'Size', 'Hidden', 'Owner', ''], blockRows, r.ownHandle === undefined ? 'The workbench has no application here yet: allocating a block registers it.' : 'No blocks.', 'blocks'), undefined, 'blocks')}
${section('Allocate a block', hasEnterprise
    ? form('allocate', [
        { name: 'name', label: 'Block name', placeholder: 'at most 32 characters', required: true },
        { name: 'size', label: 'Size in bytes', kind: 'number', value: 512, required: true },
        { name: 'hidden', label: 'Hidden from other applications', kind: 'checkbox' },
      ], button('Allocate', 'allocate', undefined, { primary: true }))
    : html`<p class="empty">Add the enterprise first.</p>`, undefined, 'allocate-section')}
${section('Write a block', own.length
    ? form('write', [
        { name: 'block', label: 'Block', kind: 'select', options: own.map((b) => [String(b.handle), `${b.handle} "${b.name}" (${b.size} bytes)`] as const) },
        { name: 'offset', label: 'Offset', kind: 'number', value: 0 },
        { name: 'format', label: 'Data is', kind: 'select', value: 'text', options: [['text', 'text (UTF-8)'], ['hex', 'hex bytes']] },
        { name: 'data', label: 'Data', kind: 'textarea', placeholder: 'Hello, or 48 65 6c 6c 6f' },
      ], button('Write', 'write', undefined, { primary: true }))
    : html`<p class="empty">Allocate a block to write into.</p>`, undefined, 'write-section')}`;
}

function render(r: StorageReport): Safe {
  return html`${section('Firmware components', table(['Component', 'Version', 'Meaning'], r.software.map((c) => [c.name, c.version, c.meaning ?? '']), 'The device lists no firmware components.', 'software'), undefined, 'firmware')}
<h2 class="part">Third-party data storage</h2>
${storageBody(r)}`;
}

function args<T>(input: ActionInput): Partial<T> {
  return (input.args ?? {}) as Partial<T>;
}

function wholeField(text: string | boolean | undefined, what: string): number {
  const t = String(text ?? '').trim();
  if (!/^\d+$/.test(t)) throw new Error(`${what} "${t}" is not a whole number of bytes; type digits only, for example 512.`);
  return Number(t);
}

export const storagePage: PageSpec<StorageReport> = {
  kind: 'storage',
  title: 'Software and storage',
  icon: 'database',
  load: (page) => page.request(StorageRequests.report, { targetId: page.targetId }),
  render,
  actions: {
    async addEnterprise(page) {
      const e = await page.request(StorageRequests.addEnterprise, { targetId: page.targetId });
      return `Enterprise "${e.name}" added (handle ${e.handle}).`;
    },
    async allocate(page, data, input) {
      const name = String(input.fields.name ?? '').trim();
      if (!name || name.length > 32) throw new Error(`The block name has ${name.length} characters; give 1 to 32.`);
      const size = wholeField(input.fields.size, 'The size');
      const free = data?.bytesAvailable;
      if (size === 0) throw new Error('A block needs at least 1 byte; give a size above 0.');
      if (free !== undefined && size > free) throw new Error(`${size} bytes is more than the ${free} bytes this workbench may still allocate; ask for fewer or free a block first.`);
      const r = await page.request(StorageRequests.allocate, { targetId: page.targetId, name, size, hidden: input.fields.hidden === true });
      return `Block ${r.block} "${r.name}" allocated (${r.size} bytes).`;
    },
    async write(page, data, input) {
      const block = wholeField(input.fields.block, 'The block');
      const offset = wholeField(input.fields.offset === '' ? '0' : input.fields.offset, 'The offset');
      const format: BlockFormat = input.fields.format === 'hex' ? 'hex' : 'text';
      let bytes: Buffer;
      try {
        bytes = parseBlockData(String(input.fields.data ?? ''), format);
      } catch (err) {
        if (err instanceof BlockDataError) throw new Error(err.message);
        throw err;
      }
      const target = data ? ownBlocks(data).find((b) => b.handle === block) : undefined;
      if (target) {
        const problem = writeProblem(bytes.length, offset, target.size);
        if (problem) throw new Error(`Nothing was written: ${problem.charAt(0).toLowerCase()}${problem.slice(1)}`);
      }
      const r = await page.request(StorageRequests.write, { targetId: page.targetId, block, offset, data: bytes.toString('base64') });
      return `${r.bytesWritten} bytes written to block ${r.block} at offset ${r.offset}.`;
    },
    async read(page, _data, input) {
      const a = args<{ block: number; format: BlockFormat }>(input);
      if (typeof a.block !== 'number') return;
      const r = await page.request(StorageRequests.read, { targetId: page.targetId, block: a.block });
      const bytes = Buffer.from(r.data, 'base64');
      const shown = formatBlockData(bytes, a.format === 'hex' ? 'hex' : 'text');
      const cut = shown.length > SHOWN ? `${shown.slice(0, SHOWN)}… (save the block to see all ${bytes.length} bytes)` : shown;
      return `Block ${r.block} (${bytes.length} bytes, as ${a.format === 'hex' ? 'hex' : 'text'}): ${cut || '(empty: all zero bytes)'}`;
    },
    async saveBlock(page, _data, input, ui) {
      const a = args<{ block: number }>(input);
      if (typeof a.block !== 'number') return;
      const r = await page.request(StorageRequests.read, { targetId: page.targetId, block: a.block });
      const where = await ui.saveFile(`block-${r.block}.bin`, Buffer.from(r.data, 'base64'));
      return where ? `Saved block ${r.block} to ${where}.` : undefined;
    },
    async free(page, _data, input) {
      const a = args<{ block: number }>(input);
      if (typeof a.block !== 'number') return;
      await page.request(StorageRequests.free, { targetId: page.targetId, block: a.block });
      return `Block ${a.block} freed.`;
    },
    async removeApp(page, _data, input) {
      const a = args<{ application: number }>(input);
      if (typeof a.application !== 'number') return;
      await page.request(StorageRequests.removeApplication, { targetId: page.targetId, application: a.application });
      return `Application ${a.application} and its blocks removed.`;
    },
  },
};
