/**
 * `amtwb kvm screenshot --out F.png` and `amtwb kvm type TEXT`: the host's screen through AMT's KVM
 * (features/kvm/), for scripts and CI. Each opens one KVM session, does its one thing, and closes.
 *
 * screenshot: one full frame at the host's resolution as an RGBA PNG; `--format rgb332|grey8`
 * asks AMT for 8-bit pixels (what large displays need), `--raw` turns off Intel's RLE encoding,
 * `--zlib` asks AMT 16+ to deflate it.
 * type: each character as a key press and release (Enter for a newline), `--enter` presses Enter
 * after the text; `ctrl-alt-del` sends that sequence.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AmtError } from '../errors';
import { PIXEL_FORMATS, type PixelFormatName } from '../features/kvm/decoder';
import { ctrlAltDel, KEYSYM, textToKeystrokes, type KeyStroke } from '../features/kvm/keysyms';
import type { RfbOptions } from '../features/kvm/rfb';
import { screenshot, screenshotRfbPort, typeKeys, type RfbPortTarget } from '../features/kvm/session';
import type { CliIo } from './feature-commands';
import { parseArgsError, usageError } from './usage';

export const KVM_USAGE = `  kvm screenshot --out F.png [--format rgb565|rgb332|grey8] [--raw] [--zlib] [--rfb-port P]
                                           one frame of the host's screen (KVM) as a PNG at the
                                           host's resolution; 8-bit formats for large displays;
                                           --zlib asks AMT 16+ to compress; --rfb-port 5900 reads
                                           it from AMT's standard RFB port instead (VNC password in
                                           AMT_RFB_PASSWORD)
  kvm type TEXT [--enter]                  type TEXT on the host's keyboard (KVM); --enter adds Enter
  kvm ctrl-alt-del                         press Ctrl-Alt-Del on the host (KVM)`;

const FIX = 'write amtwb kvm screenshot --out F.png, amtwb kvm type TEXT or amtwb kvm ctrl-alt-del';

export async function runKvmCli(args: readonly string[], io: CliIo): Promise<number> {
  let parsed: { values: { out?: string; format?: string; raw?: boolean; zlib?: boolean; enter?: boolean; 'rfb-port'?: string }; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: { out: { type: 'string' }, format: { type: 'string' }, raw: { type: 'boolean' }, zlib: { type: 'boolean' }, enter: { type: 'boolean' }, 'rfb-port': { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (err) {
    throw parseArgsError(err, FIX);
  }
  const { values: v, positionals: [sub, ...rest] } = parsed;
  if (sub === 'screenshot') {
    if (rest.length) throw usageError(`"kvm screenshot" takes no arguments, but was given "${rest[0]}"; write amtwb kvm screenshot --out F.png.`);
    if (!v.out) throw usageError('"kvm screenshot" needs the file to write; write amtwb kvm screenshot --out F.png.');
    if (v.format !== undefined && !Object.prototype.hasOwnProperty.call(PIXEL_FORMATS, v.format)) {
      throw usageError(`--format "${v.format}" is not a KVM pixel format; use rgb565 (AMT's default), rgb332 or grey8.`);
    }
    const options: RfbOptions = { ...(v.format ? { format: v.format as PixelFormatName } : {}), ...(v.raw ? { rle: false } : {}), ...(v.zlib ? { zlib: true } : {}) };
    return writeScreenshot(v.out, options, io, v['rfb-port']);
  }
  if (sub === 'type' || sub === 'ctrl-alt-del') {
    if (v.out !== undefined || v.format !== undefined || v.raw || v.zlib || v['rfb-port'] !== undefined) throw usageError(`--out, --format, --raw, --zlib and --rfb-port belong to "kvm screenshot"; ${FIX}.`);
    let strokes: KeyStroke[];
    if (sub === 'type') {
      if (rest.length === 0 && !v.enter) throw usageError('"kvm type" needs the text to type; write amtwb kvm type TEXT (quote it if it has spaces).');
      strokes = textToKeystrokes(rest.join(' '));
      if (v.enter) strokes.push({ keysym: KEYSYM.ENTER, down: true }, { keysym: KEYSYM.ENTER, down: false });
    } else {
      if (rest.length || v.enter) throw usageError('"kvm ctrl-alt-del" takes no arguments; write amtwb kvm ctrl-alt-del.');
      strokes = ctrlAltDel();
    }
    return typeOnHost(strokes, io);
  }
  throw usageError(sub === undefined ? `"kvm" needs a subcommand; ${FIX}.` : `"kvm ${sub}" is not a KVM command; ${FIX}.`);
}

function needTarget(io: CliIo) {
  if (!io.redirection) throw new AmtError('usage', '"kvm" needs a device; give --target.');
  return io.redirection;
}

/** `--rfb-port P`: AMT's standard RFB port (5900) on the target's host, with AMT_RFB_PASSWORD. */
function rfbPortTarget(value: string, io: CliIo): RfbPortTarget {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw usageError(`--rfb-port "${value}" is not a TCP port; write --rfb-port 5900.`);
  const url = io.targetUrl ? new URL(io.targetUrl) : undefined;
  if (!url) throw usageError('--rfb-port needs a device reached by URL; give --target http://HOST:16992 (or https://HOST:16993).');
  const password = process.env.AMT_RFB_PASSWORD;
  if (!password) throw usageError('--rfb-port needs the RFB password in AMT_RFB_PASSWORD (the one written to IPS_KVMRedirectionSettingData.RFBPassword); it is never taken from the command line.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { host, port, label: `${host}:${port}`, password };
}

async function writeScreenshot(out: string, options: RfbOptions, io: CliIo, rfbPort?: string): Promise<number> {
  const target = rfbPort === undefined ? needTarget(io) : rfbPortTarget(rfbPort, io);
  const shot = 'password' in target ? await screenshotRfbPort(target, options, io.signal) : await screenshot(target, options, io.signal);
  await writeFile(out, shot.png).catch((err: NodeJS.ErrnoException) => {
    throw new AmtError('kvm.file', `Cannot write ${out} (${err.code ?? err.message}); check the path given with --out.`, { cause: err });
  });
  await io.err(`Wrote ${out}: ${shot.width}×${shot.height} from ${target.label} over ${shot.route}.`);
  return 0;
}

async function typeOnHost(strokes: KeyStroke[], io: CliIo): Promise<number> {
  const target = needTarget(io);
  const { route } = await typeKeys(target, strokes, io.signal);
  await io.err(`Typed ${strokes.length / 2} key${strokes.length === 2 ? '' : 's'} on ${target.label} over ${route}.`);
  return 0;
}
