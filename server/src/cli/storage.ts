/**
 * `amtwb storage …` (features/storage): firmware components (CIM_SoftwareIdentity) and
 * third-party data storage — the limits, enterprises, partner allocations, registered
 * applications and their blocks; allocate, read, write and free the workbench's own blocks.
 * Text by default, one JSON document with --json.
 */
import { addEnterprise, allocateBlock, freeBlock, readBlock, readStorage, removeApplication, writeBlock } from '../features/storage';
import { BlockDataError, formatBlockData, parseBlockData } from '../features/storage/data';
import type { StorageReport } from '../protocol';
import type { CliIo } from './feature-commands';
import { formatRows, type Row } from './format';
import { parseCommand } from './overview';
import { usageError } from './usage';

export const STORAGE_USAGE = `  storage [list]                           firmware components and versions, 3PDS limits,
                                           enterprises, allocations, applications and blocks
  storage enterprise [NAME]                add the enterprise the workbench registers under
  storage allocate NAME --size BYTES [--hidden]
                                           allocate a block as the workbench's application
  storage read BLOCK [--offset N] [--count N] [--hex]
                                           a block's bytes as text (or hex)
  storage write BLOCK (--text TEXT | --hex HEX) [--offset N]
                                           write into a block (refused before sending when it
                                           does not fit the block)
  storage free BLOCK                       deallocate one of the workbench's blocks
  storage remove-app HANDLE                remove a registered application and its blocks`;

const FIX = 'write amtwb storage [list|enterprise|allocate|read|write|free|remove-app] (amtwb --help lists the options)';

function whole(text: unknown, what: string): number {
  const n = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw usageError(`${what} "${String(text)}" is not a whole number; give digits only, for example 4096.`);
  return n;
}

export async function runStorageCli(args: readonly string[], io: CliIo): Promise<number> {
  // `--hex` is a flag for read and takes the bytes for write: the sub-command decides.
  const reading = args.find((a) => !a.startsWith('-')) === 'read';
  const { values: v, positionals } = parseCommand(args, {
    json: { type: 'boolean' }, size: { type: 'string' }, hidden: { type: 'boolean' }, offset: { type: 'string' }, count: { type: 'string' },
    text: { type: 'string' }, hex: { type: reading ? 'boolean' : 'string' },
  }, FIX);
  const [what = 'list', ...rest] = positionals;
  const json = v.json === true;
  const allowed: Record<string, string[]> = { list: [], enterprise: [], allocate: ['size', 'hidden'], read: ['offset', 'count', 'hex'], write: ['offset', 'text', 'hex'], free: [], 'remove-app': [] };
  if (!Object.hasOwn(allowed, what)) throw usageError(`"${what}" is not a storage command; use list, enterprise, allocate, read, write, free or remove-app.`);
  for (const opt of ['size', 'hidden', 'offset', 'count', 'text', 'hex'] as const) {
    if (v[opt] !== undefined && !allowed[what]!.includes(opt)) throw usageError(`--${opt} does not apply to "storage ${what}"; ${FIX}.`);
  }
  const needs = (n: number, shape: string) => {
    if (rest.length !== n) throw usageError(`"storage ${what}" needs ${shape}; write amtwb storage ${what} ${shape}.`);
  };
  const print = (value: unknown, textOut: string) => io.out(json ? JSON.stringify(value, null, 2) : textOut);
  const signal = { signal: io.signal };
  switch (what) {
    case 'list': {
      needs(0, '(no arguments)');
      const r = await readStorage(await io.connect(), signal);
      await print(r, formatStorage(r));
      return 0;
    }
    case 'enterprise': {
      if (rest.length > 1) throw usageError('"storage enterprise" takes at most one name; quote a name with spaces.');
      const e = await addEnterprise(await io.connect(), rest[0], signal);
      await print(e, `Enterprise "${e.name}" added (handle ${e.handle}).`);
      return 0;
    }
    case 'allocate': {
      needs(1, 'NAME --size BYTES');
      if (v.size === undefined) throw usageError('"storage allocate" needs --size BYTES; write amtwb storage allocate NAME --size 4096.');
      const r = await allocateBlock(await io.connect(), { name: rest[0]!, size: whole(v.size, '--size'), hidden: v.hidden === true }, signal);
      await print(r, `Block ${r.block} "${r.name}" allocated (${r.size} bytes).`);
      return 0;
    }
    case 'read': {
      needs(1, 'BLOCK');
      const hex = v.hex === true;
      const r = await readBlock(await io.connect(), {
        block: whole(rest[0], 'The block'),
        ...(v.offset !== undefined ? { offset: whole(v.offset, '--offset') } : {}),
        ...(v.count !== undefined ? { count: whole(v.count, '--count') } : {}),
      }, signal);
      await print(r, formatBlockData(Buffer.from(r.data, 'base64'), hex ? 'hex' : 'text'));
      return 0;
    }
    case 'write': {
      needs(1, 'BLOCK --text TEXT');
      if ((v.text === undefined) === (v.hex === undefined)) throw usageError('"storage write" needs exactly one of --text TEXT or --hex HEX.');
      let data: Buffer;
      try {
        data = v.text !== undefined ? parseBlockData(v.text as string, 'text') : parseBlockData(v.hex as string, 'hex');
      } catch (err) {
        if (err instanceof BlockDataError) throw usageError(err.message);
        throw err;
      }
      const r = await writeBlock(await io.connect(), { block: whole(rest[0], 'The block'), data, ...(v.offset !== undefined ? { offset: whole(v.offset, '--offset') } : {}) }, signal);
      await print(r, `${r.bytesWritten} bytes written to block ${r.block} at offset ${r.offset} (${r.calls} WriteBlock call${r.calls === 1 ? '' : 's'}).`);
      return 0;
    }
    case 'free': {
      needs(1, 'BLOCK');
      const block = whole(rest[0], 'The block');
      await freeBlock(await io.connect(), block, signal);
      await print({ block, freed: true }, `Block ${block} freed.`);
      return 0;
    }
    default: {
      needs(1, 'HANDLE');
      const application = whole(rest[0], 'The application handle');
      await removeApplication(await io.connect(), application, signal);
      await print({ application, removed: true }, `Application ${application} and its blocks removed.`);
      return 0;
    }
  }
}

export function formatStorage(r: StorageReport): string {
  const out: string[] = ['Firmware components', indent(formatRows(r.software.map((c): Row => [c.name, c.meaning ? `${c.version} (${c.meaning})` : c.version])))];
  if (!r.available) {
    out.push('', r.unavailable ?? 'Third-party data storage is not available.');
    return out.join('\n');
  }
  const l = r.limits!;
  out.push('', 'Third-party data storage limits', indent(formatRows([['MTU (bytes per read or write)', String(l.mtu)], ...Object.entries(l.global).map(([k, n]): Row => [k, String(n)])])));
  out.push('', `Enterprises: ${r.enterprises.map((e) => `${e.name} (${e.handle})`).join(', ') || 'none'}`);
  out.push(`Partner allocations: ${r.allocations.map((a) => `${a.vendorName}/${a.applicationName} ${a.totalAllocationSize} bytes${a.partner ? ', partner' : ''} (${a.handle})`).join(', ') || 'none'}`);
  out.push('', 'Registered applications');
  if (!r.applications.length) out.push('  none');
  for (const a of r.applications) {
    const own = a.handle === r.ownHandle ? ', this workbench' : '';
    out.push(`  ${a.handle}  ${a.vendorName} / ${a.applicationName} (enterprise ${a.enterpriseName}), ${a.allocated} bytes${a.partner ? ', partner' : ''}${a.activeSession ? ', in session' : ''}${own}`);
    for (const b of a.blocks) out.push(b.problem ? `      block ${b.handle}: ${b.problem}` : `      block ${b.handle}  "${b.name}"  ${b.size} bytes${b.hidden ? ', hidden' : ''}`);
  }
  if (r.bytesAvailable !== undefined) out.push('', `The workbench may allocate ${r.bytesAvailable} more bytes.`);
  return out.join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}
