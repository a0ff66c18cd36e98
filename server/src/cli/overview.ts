/**
 * `amtwb overview` (features/overview): text by default, one JSON document with --json. Also the
 * argument parsing the overview, hardware and storage commands share.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readOverview } from '../features/overview';
import type { OverviewReport } from '../protocol';
import type { CliIo } from './feature-commands';
import { formatRows, type Row } from './format';
import { parseArgsError, usageError } from './usage';

export const OVERVIEW_USAGE = `  overview                                 identity, firmware, provisioning and control mode, power,
                                           network, redirection switches and user consent`;

/** node:util parseArgs (strict, positionals allowed), its errors as usage errors naming `fix`. */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O, fix: string) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw parseArgsError(err, fix);
  }
}

export async function runOverviewCli(args: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(args, { json: { type: 'boolean' } }, 'write amtwb overview [--json]');
  if (positionals.length) throw usageError(`"overview" takes no arguments, but "${positionals.join(' ')}" was given; write amtwb overview [--json].`);
  const report = await readOverview(await io.connect(), { signal: io.signal });
  await io.out(v.json ? JSON.stringify(report, null, 2) : formatOverview(report));
  return 0;
}

export function formatOverview(o: OverviewReport): string {
  const onOff = (b: boolean | undefined) => (b === undefined ? 'not on this device' : b ? 'on' : 'off');
  const rows: Row[] = [
    ['Host name', [o.identity.hostName, o.identity.domainName].filter(Boolean).join('.') || '(not set)'],
    ['Platform', [o.identity.manufacturer, o.identity.model].filter(Boolean).join(' ')],
    ['Serial number', o.identity.serialNumber],
    ['System ID', o.identity.systemId],
    ['AMT version', o.firmware.amtVersion + (o.firmware.build ? ` (build ${o.firmware.build})` : '')],
    ['SKU', o.firmware.sku],
    ['Provisioning', o.provisioning.stateText],
    ['Control mode', o.provisioning.controlMode],
    ['Power', `${o.power.label} (${o.power.state})`],
    ...o.network.map((n): Row => [`${n.name} network`, `${n.ip || 'no address'}, MAC ${n.mac}, link ${n.linkUp ? 'up' : 'down'}${n.dhcp ? ', DHCP' : ''}`]),
    ['Redirection listener', onOff(o.redirection.listener)],
    ['SOL', onOff(o.redirection.sol)],
    ['IDE-R', onOff(o.redirection.ider)],
    ['KVM', onOff(o.redirection.kvm)],
    ['User consent', `${o.consent.required === 'all' ? 'required for everything' : o.consent.required === 'kvm' ? 'required for KVM' : 'not required'}, ${o.consent.stateText}`],
  ];
  return [formatRows(rows), ...o.problems.map((p) => `! ${p}`)].join('\n');
}

