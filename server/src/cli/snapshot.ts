/**
 * `amtwb snapshot save --out FILE` and `amtwb snapshot diff A.json (B.json | --device)`: device
 * snapshots from a terminal, for CI to catch configuration drift (features/snapshot/). `diff`
 * exits 0 when nothing but volatile values moved, 1 on drift (the changes listed), 2 for a
 * command-line mistake or a file that is no snapshot, 3 when the device could not be read.
 * `save` writes the file only once the whole snapshot is in (a temporary file renamed over it),
 * so Ctrl-C or a failure leaves no partial file.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AmtError, describeError } from '../errors';
import { compareSnapshots, takeResult, takeSnapshot } from '../features/snapshot';
import type { CliIo } from './feature-commands';
import { isUsageError, parseArgsError, usageError } from './usage';

export const SNAPSHOT_USAGE = `  snapshot save --out FILE [--json]         every served class's instances into one JSON file
  snapshot diff A.json (B.json | --device) [--json]
                                           compare two snapshots, or one with the device now;
                                           exit 0 same, 1 drift (listed), 2 bad input, 3 device unreadable`;

const FIX = 'write amtwb snapshot save --out FILE, or amtwb snapshot diff A.json B.json (or A.json --device)';

/** Exit status of `diff` when the device could not be read (0 and 1 mean same and drift). */
const EXIT_DEVICE = 3;

/** `snapshot diff A B` reads two files only; every other form talks to the device. */
export function snapshotNeedsDevice(args: readonly string[]): boolean {
  return !(args[0] === 'diff' && !args.includes('--device'));
}

export async function runSnapshotCli(args: readonly string[], io: CliIo): Promise<number> {
  let values: { out?: string; json?: boolean; device?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...args], options: { out: { type: 'string' }, json: { type: 'boolean' }, device: { type: 'boolean' } }, allowPositionals: true, strict: true }));
  } catch (err) {
    throw parseArgsError(err, FIX);
  }
  const [verb, ...files] = positionals;
  if (verb === 'save') {
    if (files.length > 0 || values.device) throw usageError(`"snapshot save" takes only --out FILE (and --json); ${FIX}.`);
    if (!values.out) throw usageError(`"snapshot save" needs the file to write; ${FIX}.`);
    return save(values.out, values.json ?? false, io);
  }
  if (verb === 'diff') {
    const wanted = values.device ? 1 : 2;
    if (files.length !== wanted || values.out) {
      throw usageError(`"snapshot diff" compares ${values.device ? 'one snapshot file with the device now' : 'two snapshot files'} but was given ${files.length} file${files.length === 1 ? '' : 's'}; ${FIX}.`);
    }
    return diff(files, values.device ?? false, values.json ?? false, io);
  }
  throw usageError(`"snapshot" needs save or diff${verb ? `, not "${verb}"` : ''}; ${FIX}.`);
}

async function take(io: CliIo) {
  const client = await io.connect();
  return takeSnapshot(client, { device: { label: io.target, ...(io.targetUrl ? { url: io.targetUrl } : {}) }, signal: io.signal });
}

async function save(out: string, json: boolean, io: CliIo): Promise<number> {
  const result = takeResult(await take(io));
  const temp = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, result.text, { flag: 'wx' });
    await rename(temp, out);
  } catch (err) {
    await rm(temp, { force: true });
    throw new AmtError('args.file', `Cannot write ${out} (${(err as NodeJS.ErrnoException).code ?? describeError(err)}); check that its folder exists and may be written.`, { cause: err });
  }
  const { text: _text, ...summary } = result;
  await io.out(json
    ? JSON.stringify({ file: out, ...summary }, null, 2)
    : `Saved ${out}: ${summary.instances} instances of ${summary.classes} classes; ${summary.refused} refused, ${summary.notServed} not served.`);
  return 0;
}

async function diff(files: readonly string[], device: boolean, json: boolean, io: CliIo): Promise<number> {
  const read = async (file: string) => ({ name: file, text: await readSnapshotFile(file) });
  const before = await read(files[0]!);
  let after: { name: string; text: string };
  if (device) {
    try {
      after = { name: 'the device now', text: takeResult(await take(io)).text };
    } catch (err) {
      if (isUsageError(err) || (err instanceof AmtError && err.code === 'cancelled')) throw err;
      await io.err(`amtwb: ${describeError(err)}`);
      return EXIT_DEVICE;
    }
  } else after = await read(files[1]!);
  let result;
  try {
    result = compareSnapshots({ before, after });
  } catch (err) {
    throw err instanceof AmtError && err.code === 'args.file' ? usageError(err.message, err) : err;
  }
  await io.out(json ? JSON.stringify(result.diff, null, 2) : result.report);
  return result.diff.same ? 0 : 1;
}

async function readSnapshotFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw usageError(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? describeError(err)}); check the snapshot file's path.`, err);
  }
}
