/** What a legacy device's information looks like as name/value rows (CLI and Devices view alike). */
import type { LegacyInfo } from './info';

const MODE: Record<number, string> = { 1: 'enterprise', 2: 'small business' };
const STATE: Record<number, string> = { 0: 'pre-provisioning', 1: 'in provisioning', 2: 'post-provisioning' };

export function legacyRows(info: LegacyInfo): [name: string, value: string][] {
  const rows: [string, string][] = [['AMT version', info.coreVersion]];
  if (info.hostName) rows.push(['Host name', info.domainName ? `${info.hostName}.${info.domainName}` : info.hostName]);
  if (info.provisioningMode !== undefined) rows.push(['Provisioning mode', MODE[info.provisioningMode] ?? String(info.provisioningMode)]);
  if (info.provisioningState !== undefined) rows.push(['Provisioning state', STATE[info.provisioningState] ?? String(info.provisioningState)]);
  if (info.biosVersion) rows.push(['BIOS', info.biosVersion]);
  for (const c of info.codeVersions) rows.push([c.description, c.version]);
  return rows;
}
