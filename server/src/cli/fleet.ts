/**
 * Fleet commands of `amtwb` (devices behind Intel's MPS):
 *
 *   amtwb fleet list   --target mps://HOST:PORT [--tag T] [--status connected|disconnected] [--page N] [--page-size N]
 *   amtwb fleet status --target mps://HOST:PORT [--tag T]        power state of every (tagged) device
 *   amtwb fleet power ACTION --target mps://HOST:PORT (--tag T | --guid G[,G…]) --confirm N
 *   amtwb sim --fleet N --mps HOST:PORT --mps-user U --mps-ca FILE [--mps-cn NAME] [--prefix P]
 *
 * The MPS user is --mps-user (or AMT_MPS_USER, default admin) and its password AMT_MPS_PASSWORD,
 * never an argument (it would show in the process list). `--target mps://HOST:PORT/GUID` with any
 * device command is wired in cli.ts through mpsTargetSpec().
 */
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FleetServers, allDevices, bulkPowerAction, bulkPowerState, listFleet, renderBulk, renderFleetPage } from '../features/fleet';
import { isPowerAction, POWER_ACTIONS } from '../features/power';
import { MpsClient, parseMpsUrl } from '../targets/mps';
import type { MpsTargetSpec } from '../targets/specs';
import { startCiraFleet } from '../sim/cira';
import { usageError } from './usage';

export const FLEET_USAGE = `  fleet list [--tag T] [--status connected|disconnected] [--page N] [--page-size N]
                                           devices of the MPS given with --target mps://HOST:PORT
                                           (MPS user --mps-user or AMT_MPS_USER, password AMT_MPS_PASSWORD)
  fleet status [--tag T]                   power state of every device (or of a tag), with progress
  fleet power ACTION (--tag T | --guid G[,G…]) --confirm N
                                           one power action on a selection of N devices, each once
  sim --fleet N --mps HOST:PORT --mps-user U --mps-ca FILE [--mps-cn NAME] [--prefix P]
                                           N simulated devices dialling the MPS by CIRA (password
                                           AMT_MPS_PASSWORD); each has its own GUID and state`;

type Io = { out: (t: string) => Promise<void>; err: (t: string) => Promise<void>; signal: AbortSignal };

/** The runner for a fleet command line, or undefined when argv is another command. */
export function fleetCommand(argv: readonly string[]): ((io: Io) => Promise<number>) | undefined {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === 'fleet') return (io) => runFleet(argv, io);
  if (first === 'sim' && argv.some((a) => a === '--fleet' || a.startsWith('--fleet='))) return (io) => runSimFleet(argv, io);
  return undefined;
}

function mpsCredentials(user: string | undefined, url: string): { user: string; password: string } {
  const password = process.env.AMT_MPS_PASSWORD;
  if (!password) throw usageError(`No password was given for the MPS at ${url}; set the AMT_MPS_PASSWORD environment variable.`);
  return { user: user ?? process.env.AMT_MPS_USER ?? 'admin', password };
}

/** The registry spec for `--target mps://HOST:PORT/GUID` (cli.ts); logs in lazily on first use. */
export function mpsTargetSpec(target: string, amtUser: string | undefined): MpsTargetSpec {
  const { url, guid } = parseMpsUrl(target);
  if (!guid) throw usageError(`--target ${target} names an MPS but no device; write mps://HOST:PORT/GUID (amtwb fleet list shows the GUIDs).`);
  const client = new MpsClient({ url, ...mpsCredentials(undefined, url) });
  return { kind: 'mps', guid, server: () => client, ...(amtUser ? { user: amtUser } : {}) };
}

/** node:util parseArgs, its error as a usage sentence with `hint`. */
function parsed<T extends ParseArgsConfig['options']>(argv: readonly string[], options: T, hint: string) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options: options! as NonNullable<T> });
  } catch (err) {
    throw usageError(`${(err as Error).message.replace(/\.$/, '')}; ${hint}.`, err);
  }
}

async function runFleet(argv: readonly string[], io: Io): Promise<number> {
  const { values: v, positionals } = parsed(argv, {
    target: { type: 'string' }, 'mps-user': { type: 'string' }, tag: { type: 'string' }, status: { type: 'string' },
    page: { type: 'string' }, 'page-size': { type: 'string' }, guid: { type: 'string', multiple: true }, confirm: { type: 'string' },
    json: { type: 'boolean' }, timeout: { type: 'string' },
  } as const, 'run amtwb --help for the fleet options');
  const [, sub, ...rest] = positionals;
  if (!v.target) throw usageError('"fleet" needs the MPS; give it with --target mps://HOST:PORT.');
  const { url, guid } = parseMpsUrl(v.target);
  if (guid) throw usageError(`--target for "fleet" is the MPS itself; write mps://HOST:PORT without the device GUID ${guid}.`);
  const servers = new FleetServers(v.timeout ? Number(v.timeout) * 1000 : undefined);
  const { user, password } = mpsCredentials(v['mps-user'], url);
  servers.add(url, user);
  const num = (text: string | undefined, name: string) => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw usageError(`--${name} "${text}" is not a whole number; write for example --${name} 2.`);
    return Number(text);
  };
  const status = v.status === undefined ? undefined : v.status === 'connected' ? true : v.status === 'disconnected' ? false : null;
  if (status === null) throw usageError(`--status "${v.status}" is neither connected nor disconnected; give one of them.`);
  switch (sub) {
    case 'list': {
      if (rest.length) throw usageError(`"fleet list" takes no arguments, but "${rest.join(' ')}" was given; remove it.`);
      const client = await servers.connect(url, password, io.signal);
      const page = num(v.page, 'page');
      const pageSize = num(v['page-size'], 'page-size');
      const p = await listFleet(client, { ...(v.tag ? { tag: v.tag } : {}), ...(status !== undefined ? { connected: status } : {}), ...(page !== undefined ? { page: Math.max(0, page - 1) } : {}), ...(pageSize ? { pageSize } : {}) }, io.signal);
      await io.out(v.json ? JSON.stringify(p, null, 2) : renderFleetPage(p));
      return 0;
    }
    case 'status': {
      if (rest.length) throw usageError(`"fleet status" takes no arguments, but "${rest.join(' ')}" was given; remove it.`);
      const client = await servers.connect(url, password, io.signal);
      const rows = await allDevices(client, { ...(v.tag ? { tag: v.tag } : {}), ...(status !== undefined ? { connected: status } : {}) }, io.signal);
      const result = await bulkPowerState(client, rows.map((r) => r.guid), {
        signal: io.signal,
        onProgress: (p) => void io.err(`[${p.done}/${p.total}] ${p.item.guid} ${p.item.ok ? p.item.label : `error: ${p.item.error}`}`),
      });
      await io.out(v.json ? JSON.stringify(result, null, 2) : renderBulk(result, new Map(rows.map((r) => [r.guid, r.hostname]))));
      return result.cancelled || result.items.some((i) => !i.ok) ? 1 : 0;
    }
    case 'power': {
      const action = rest[0];
      if (!action || !isPowerAction(action) || rest.length > 1) throw usageError(`"fleet power" needs one of ${Object.keys(POWER_ACTIONS).join(', ')}; for example amtwb fleet power off --tag lab --confirm 3.`);
      if (!v.tag === !v.guid) throw usageError('"fleet power" needs the selection: either --tag T or --guid G[,G…], not both.');
      const confirm = num(v.confirm, 'confirm');
      if (confirm === undefined) throw usageError('"fleet power" acts on many devices at once; add --confirm N with the number of devices you mean to reach.');
      const client = await servers.connect(url, password, io.signal);
      const guids = v.guid ? v.guid.flatMap((g) => g.split(',')).map((g) => g.trim().toLowerCase()).filter(Boolean) : (await allDevices(client, { tag: v.tag! }, io.signal)).map((r) => r.guid);
      const result = await bulkPowerAction(client, guids, action, confirm, {
        signal: io.signal,
        onProgress: (p) => void io.err(`[${p.done}/${p.total}] ${p.item.guid} ${p.item.ok ? 'done' : `error: ${p.item.error}`}`),
      });
      await io.out(v.json ? JSON.stringify(result, null, 2) : renderBulk(result));
      return result.cancelled || result.items.some((i) => !i.ok) ? 1 : 0;
    }
    default:
      throw usageError(`"fleet" needs list, status or power${sub ? `, not "${sub}"` : ''}; for example amtwb fleet list --target mps://HOST:3000.`);
  }
}

async function runSimFleet(argv: readonly string[], io: Io): Promise<number> {
  const v = parsed(argv, {
    fleet: { type: 'string' }, mps: { type: 'string' }, 'mps-user': { type: 'string' }, 'mps-ca': { type: 'string' }, 'mps-cn': { type: 'string' },
    prefix: { type: 'string' }, user: { type: 'string' }, password: { type: 'string' }, json: { type: 'boolean' },
  } as const, '"sim --fleet" takes --fleet N --mps HOST:PORT --mps-user U --mps-ca FILE [--mps-cn NAME] [--prefix P]').values;
  const count = Number(v.fleet);
  if (!/^\d+$/.test(v.fleet ?? '') || count < 1 || count > 10_000) throw usageError(`--fleet "${v.fleet}" is not a device count; give 1 to 10000.`);
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(v.mps ?? '');
  if (!m || Number(m[3]) > 65535) throw usageError(`--mps "${v.mps ?? ''}" is not an MPS CIRA address; write HOST:PORT, for example --mps 127.0.0.1:4433.`);
  if (!v['mps-user']) throw usageError('"sim --fleet" needs the MPS user the devices log in with; give --mps-user U (AMT allows up to 16 letters and digits).');
  const password = process.env.AMT_MPS_PASSWORD;
  if (!password) throw usageError('The devices need their MPS password; set the AMT_MPS_PASSWORD environment variable.');
  if (!v['mps-ca']) throw usageError('The devices must trust the MPS certificate; give its root with --mps-ca FILE (MPS serves it at GET /api/v1/ciracert).');
  let ca: string;
  try {
    ca = await readFile(v['mps-ca'], 'utf8');
  } catch (err) {
    throw usageError(`Cannot read the MPS root certificate ${v['mps-ca']} (${(err as NodeJS.ErrnoException).code ?? String(err)}); check the path given with --mps-ca.`, err);
  }
  const host = m[1] ?? m[2]!;
  const fleet = await startCiraFleet({
    count,
    endpoint: { host, port: Number(m[3]), user: v['mps-user'], password, ca, ...(v['mps-cn'] ? { servername: v['mps-cn'] } : {}) },
    ...(v.prefix ? { prefix: v.prefix } : {}),
    simulator: { ...(v.user ? { user: v.user } : {}), ...((v.password ?? process.env.AMT_PASSWORD) ? { password: v.password ?? process.env.AMT_PASSWORD } : {}) },
    onState: () => undefined,
  });
  for (const d of fleet.devices) {
    d.agent.on('state', (state: string, detail?: string) => void io.err(`${d.guid} ${d.sim.device.identity.name}: ${state}${detail ? ` (${detail})` : ''}`));
    await io.out(v.json ? JSON.stringify({ guid: d.guid, name: d.sim.device.identity.name, wsman: d.sim.url }) : `${d.guid}  ${d.sim.device.identity.name}  ${d.sim.url}`);
  }
  await io.err(`${count} simulated device${count === 1 ? '' : 's'} dialling the MPS at ${v.mps}; Ctrl-C stops them.`);
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await fleet.close();
  return 0;
}
