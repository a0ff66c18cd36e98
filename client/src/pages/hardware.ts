/**
 * The Hardware page (amt/hardware/report): MeshCommander's layout — platform, baseboard, BIOS, each
 * processor, memory module and storage medium, the battery — then the SMBIOS asset tables decoded,
 * and the sensors and fans. Refresh reads it again; "Refresh media table" asks the BIOS to
 * rebuild it at the next boot; "Save as JSON" writes the report into the workspace.
 */
import { HardwareRequests, type HardwareReport, type SmbiosStructureView } from '../../../server/src/protocol';
import { badge, button, html, keyValues, section, table, type Safe } from './html';
import type { PageSpec } from './page';

function structure(s: SmbiosStructureView, info: string): Safe {
  const title = `${info}: ${s.typeName} (handle 0x${s.handle.toString(16).padStart(4, '0')}, ${s.length} bytes)`;
  return html`<div class="smbios" data-type="${s.type}"><h4>${title}</h4>${s.problem ? html`<p class="error">${s.problem}</p>` : ''}${keyValues(s.fields.map(([k, v]) => [k, v] as const))}${s.strings.length ? html`<p class="empty">Strings: ${s.strings.join(' · ')}</p>` : ''}</div>`;
}

function render(h: HardwareReport): Safe {
  const sensorRows = h.sensors.map((s) => [s.kind === 'fan' ? 'Fan' : 'Sensor', s.id, s.state, badge(s.health, s.health === 'OK' ? 'ok' : s.health === 'Unknown' ? 'info' : 'bad'), s.detail]);
  return html`<p class="empty" id="note">${h.note} Read ${new Date(h.readAt).toLocaleString()}.</p>
${h.sections.map((s) => section(s.title, keyValues(s.rows.map(([k, v]) => [k, v] as const)), undefined, s.id))}
${section(`SMBIOS asset tables${h.tableTypes.length ? ` (${h.tableTypes.join(', ')})` : ''}`,
  h.assetTables.length ? h.assetTables.map((t) => t.structures.map((s) => structure(s, t.tableTypeInfo || `type ${t.tableType}`))) : html`<p class="empty">The device holds no asset tables.</p>`,
  button('Refresh media table', 'mediaUpdate', undefined, { title: 'AMT_AssetTableService.RequestMediaDeviceTableUpdate: the BIOS rebuilds the media table at the next boot' }), 'smbios')}
${section('Sensors and fans', table(['Kind', 'Device', 'State', 'Health', 'Detail'], sensorRows, 'The device serves no sensors or fans.'), undefined, 'sensors')}
${h.notServed.length ? html`<p class="empty" id="not-served">Not served by this device: ${h.notServed.join(', ')}.</p>` : ''}
<div class="buttons">${button('Save as JSON', 'save')}</div>`;
}

export const hardwarePage: PageSpec<HardwareReport> = {
  kind: 'hardware',
  title: 'Hardware',
  icon: 'circuit-board',
  load: (page) => page.request(HardwareRequests.report, { targetId: page.targetId }),
  render,
  actions: {
    async mediaUpdate(page) {
      return (await page.request(HardwareRequests.requestMediaUpdate, { targetId: page.targetId })).message;
    },
    async save(page, data, _input, ui) {
      if (!data) return 'Nothing to save yet: the inventory has not loaded.';
      const name = `hardware-${page.label.replace(/[^\w.-]+/g, '-')}.json`;
      const where = await ui.saveFile(name, `${JSON.stringify(data, null, 2)}\n`);
      return where ? `Saved the inventory to ${where}.` : undefined;
    },
  },
};
