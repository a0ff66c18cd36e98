/**
 * The vscode-free parts of SOL, IDE-R, boot options and user consent in the editor: decoding the
 * host's bytes for the terminal, the words of the IDE-R status-bar item and its end, the summary
 * of a boot sequence, and what counts as "consent needed" / a well-formed consent code.
 */
import { TextDecoder } from 'node:util';
import type { BootResult, ConsentState, IderProgress } from '../../../server/src/protocol';
import { errorCode, errorMessage } from './request';

/**
 * CP437 (the PC BIOS character set) for bytes 0x80–0xFF. A table of 128 characters is all a
 * BIOS screen needs; iconv-lite has one, but the extension does not depend on it and a
 * dependency for one table is not worth its weight.
 */
export const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/**
 * Turns a SOL byte stream into terminal text. UTF-8 (what an OS console sends) is decoded with a
 * multi-byte character split across two chunks kept whole; a chunk that is not UTF-8 (a BIOS
 * screen's box drawing) is read as CP437. Lone LFs become CRLF, as a serial terminal set to
 * "LF implies CR" would show them.
 */
export class SolDecoder {
  private pending = new Uint8Array(0);
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private lastWasCr = false;

  decode(chunk: Uint8Array): string {
    const bytes = concat(this.pending, chunk);
    const keep = incompleteTail(bytes);
    this.pending = bytes.slice(bytes.length - keep);
    return this.eol(decodeWhole(this.utf8, bytes.subarray(0, bytes.length - keep)));
  }

  /** What is left at the end of the stream (an unfinished sequence), as CP437. */
  flush(): string {
    const rest = cp437(this.pending);
    this.pending = new Uint8Array(0);
    return this.eol(rest);
  }

  private eol(text: string): string {
    let out = '';
    for (const ch of text) {
      if (ch === '\n' && !this.lastWasCr) out += '\r';
      out += ch;
      this.lastWasCr = ch === '\r';
    }
    return out;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** How many trailing bytes start a UTF-8 sequence the chunk does not finish (0 if none). */
export function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 && b <= 0xf7 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

function decodeWhole(decoder: TextDecoder, bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  try {
    return decoder.decode(bytes);
  } catch {
    return cp437(bytes);
  }
}

export function cp437(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!;
  return out;
}

/** `1.5 MB` style sizes for the status bar. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

const sectors = (n: number) => `${n} sector${n === 1 ? '' : 's'}`;

/** The IDE-R status-bar text: `$(sync~spin) IDE-R: 1234 sectors · 2.1 MB/s`. */
export function iderStatusText(p: Pick<IderProgress, 'state' | 'sectorsRead' | 'mbPerSecond'> | undefined, image: string): string {
  if (!p || p.state === 'waiting') return `$(sync~spin) IDE-R: ${image} · waiting for the host`;
  return `$(sync~spin) IDE-R: ${sectors(p.sectorsRead)} · ${p.mbPerSecond.toFixed(1)} MB/s`;
}

/** The notification when an IDE-R session ends: why, and how much the host read. */
export function iderEndMessage(p: Pick<IderProgress, 'state' | 'sectorsRead' | 'bytesRead' | 'reason'>, image: string, device: string, stoppedByUser: boolean): string {
  const read = `after the host read ${sectors(p.sectorsRead)} (${formatBytes(p.bytesRead)})`;
  if (p.state === 'ejected') return `${device} ejected ${image} from its IDE-R drive ${read}; the IDE-R session ended.`;
  if (stoppedByUser) return `IDE-R of ${image} on ${device} stopped ${read}.`;
  return `IDE-R of ${image} on ${device} ended ${read}${p.reason ? `: ${editorWords(p.reason).replace(/\.$/, '')}` : ''}.`;
}

/** Which drive an image goes to: `.img` is a floppy, everything else (`.iso`) the CD. */
export function imageDrive(path: string): 'cd' | 'floppy' {
  return /\.img$/i.test(path) ? 'floppy' : 'cd';
}

/** A boot sequence's notification: the device's sentence, then the steps (a failed one marked). */
export function summariseBoot(device: string, result: BootResult): string {
  const steps = result.steps.map((s) => (s.ok ? s.step : `${s.step} failed (${s.detail})`)).join(', ');
  const power = result.powerState ? ` The host is ${result.powerState.label} now.` : '';
  return `${device}: ${result.message.replace(/\.?$/, '.')}${power}${steps ? ` Steps: ${steps}.` : ''}`;
}

/**
 * Codes with which the backend says an action needs the user's consent first (IPS_OptInService,
 * CCM): the boot sequence (`boot.consent`) and opening a redirection session (`redir.consent`).
 */
export const CONSENT_REQUIRED_CODES: ReadonlySet<string> = new Set(['boot.consent', 'redir.consent', 'consent.required']);
/** The code typed was not the one the host shows (or not six digits). */
export const CONSENT_WRONG_CODES: ReadonlySet<string> = new Set(['consent.code']);
/**
 * No code is showing (any more): it expired or was cancelled. From StartOptIn the same code means
 * a code is on the screen already, so the flow asks for it.
 */
export const CONSENT_STATE_CODES: ReadonlySet<string> = new Set(['consent.state']);

/**
 * A backend sentence in the editor's words: the last clause that tells the CLI user which
 * `amtwb` command to run goes (the editor offers that step as a button or asks again).
 */
export function withoutCliHint(message: string): string {
  return message.replace(/\s*(?:[,;:(]|\s[—–-])\s*[^,;:(—–]*\bamtwb\b[^.]*\.?\s*$/, '.').replace(/\.\.$/, '.');
}

/** The editor's step for each `amtwb` command a backend sentence names. */
const SWITCH_LABELS: Record<string, string> = { sol: 'SOL', ider: 'IDE-R', listener: 'Redirection listener', kvm: 'KVM' };
const EDITOR_STEPS: readonly [RegExp, (match: string, feature: string) => string][] = [
  [/`?amtwb redirection --(sol|ider|listener|kvm) on`?/g, (_m, f) => `the "${SWITCH_LABELS[f]}" switch in the Power view's Redirection rows`],
  [/`?amtwb consent start`?/g, () => '"AMT: Request User Consent…"'],
  [/`?amtwb consent (?:status|code(?: NNNNNN)?|cancel)`?/g, () => "the Power view's Consent row"],
  [/`?amtwb boot status`?/g, () => "the Power view's Boot Status row"],
];

/** A backend sentence with the CLI commands it names replaced by where the editor does the same. */
export function editorWords(message: string): string {
  return EDITOR_STEPS.reduce((m, [cli, step]) => m.replace(cli, step), message);
}

/** A failed request's sentence in the editor's words. */
export function editorMessage(err: unknown): string {
  return editorWords(errorMessage(err));
}

export function needsConsent(err: unknown): boolean {
  return CONSENT_REQUIRED_CODES.has(errorCode(err) ?? '');
}

/** The input box's check of a consent code: undefined when it is six digits, else why not. */
export function validateConsentCode(text: string): string | undefined {
  const t = text.trim();
  if (/^\d{6}$/.test(t)) return undefined;
  if (/\D/.test(t)) return 'The code is six digits (0–9) only.';
  return `The code is six digits; ${t.length} typed.`;
}

/** OptInState 3 (code received) or 4 (in session): consent is given. */
export function consentGiven(state: Pick<ConsentState, 'state'>): boolean {
  return state.state === 3 || state.state === 4;
}

/** `everything (CCM)` / `KVM only (ACM)` / `not required (ACM)`: when the device asks for consent. */
export function consentPolicyText(c: Pick<ConsentState, 'required' | 'controlMode'>): string {
  const policy = c.required === 'all' ? 'everything' : c.required === 'kvm' ? 'KVM only' : 'not required';
  return `${policy} (${c.controlMode})`;
}

/** `kvm-<device>-<UTC time>.png`, safe as a file name. */
export function screenshotName(label: string, at: Date): string {
  const stamp = at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[:]/g, '');
  return `kvm-${label.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'device'}-${stamp}.png`;
}
