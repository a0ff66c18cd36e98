/**
 * `amtwb hardware` (features/hardware): the inventory, SMBIOS asset tables decoded, sensors and
 * fans; text by default, one JSON document with --json.
 */
import { readHardware, requestMediaUpdate } from '../features/hardware';
import type { HardwareReport } from '../protocol';
import type { CliIo } from './feature-commands';
import { formatRows } from './format';
import { parseCommand } from './overview';
import { usageError } from './usage';

export const HARDWARE_USAGE = `  hardware [--refresh-media] [--raw]       the hardware inventory (platform, baseboard, BIOS, CPUs,
                                           memory, media, battery), SMBIOS asset tables decoded,
                                           sensors and fans; --raw adds each table's strings;
                                           --refresh-media asks the BIOS to refresh its media
                                           table at the next boot`;

export async function runHardwareCli(args: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(args, { json: { type: 'boolean' }, 'refresh-media': { type: 'boolean' }, raw: { type: 'boolean' } }, 'write amtwb hardware [--refresh-media] [--raw] [--json]');
  if (positionals.length) throw usageError(`"hardware" takes no arguments, but "${positionals.join(' ')}" was given; write amtwb hardware [--refresh-media] [--json].`);
  const client = await io.connect();
  if (v['refresh-media']) {
    const r = await requestMediaUpdate(client, { signal: io.signal });
    await io.out(v.json ? JSON.stringify(r, null, 2) : r.message);
    return 0;
  }
  const report = await readHardware(client, { signal: io.signal });
  await io.out(v.json ? JSON.stringify(report, null, 2) : formatHardware(report, v.raw === true));
  return 0;
}

export function formatHardware(h: HardwareReport, raw = false): string {
  const out: string[] = [h.note];
  for (const s of h.sections) out.push('', s.title, indent(formatRows(s.rows)));
  out.push('', `SMBIOS asset tables (${h.tableTypes.join(', ') || 'none listed'})`);
  for (const t of h.assetTables) {
    for (const s of t.structures) {
      out.push(`  ${t.tableTypeInfo || `type ${t.tableType}`}: ${s.typeName}, handle 0x${s.handle.toString(16).padStart(4, '0')}, ${s.length} bytes`);
      if (s.problem) out.push(`    ! ${s.problem}`);
      if (s.fields.length) out.push(indent(formatRows(s.fields), 4));
      if (raw && s.strings.length) out.push(`    strings: ${s.strings.map((x) => JSON.stringify(x)).join(', ')}`);
    }
  }
  if (h.sensors.length) {
    out.push('', 'Sensors and fans');
    for (const s of h.sensors) out.push(`  ${s.kind === 'fan' ? 'Fan' : 'Sensor'} ${s.id}: ${s.state}, health ${s.health} (${s.detail})`);
  }
  if (h.notServed.length) out.push('', `Not served by this device: ${h.notServed.join(', ')}`);
  return out.join('\n');
}

function indent(text: string, n = 2): string {
  return text.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
}
