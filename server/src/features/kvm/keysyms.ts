/**
 * Text → X11 keysyms for RFB KeyEvents (spec redirection.md §5.6). AMT understands the LATIN1 and
 * MISCELLANY sets (among others): printable ASCII and Latin-1 characters are their own code, and
 * the control keys are 0xFFxx. Shift is not pressed for capitals or symbols: a keysym names the
 * character, and the KVM server sends the host whatever modifier it needs.
 */
import { AmtError } from '../../errors';

export const KEYSYM = {
  BACKSPACE: 0xff08, TAB: 0xff09, ENTER: 0xff0d, ESCAPE: 0xff1b, DELETE: 0xffff,
  CONTROL_L: 0xffe3, ALT_L: 0xffe9,
} as const;

/** One key press or release. */
export interface KeyStroke { keysym: number; down: boolean }

const CONTROL: Record<string, number> = { '\n': KEYSYM.ENTER, '\r': KEYSYM.ENTER, '\t': KEYSYM.TAB, '\b': KEYSYM.BACKSPACE, '\x7f': KEYSYM.BACKSPACE, '\x1b': KEYSYM.ESCAPE };

/** The keysym of one character (throws for one AMT's KVM cannot type). */
export function keysymOf(ch: string): number {
  const control = CONTROL[ch];
  if (control !== undefined) return control;
  const code = ch.codePointAt(0)!;
  if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) return code;
  const shown = code < 0x20 ? `control character 0x${code.toString(16).padStart(2, '0')}` : `"${ch}" (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  throw new AmtError('args.invalid', `The text to type contains ${shown}, which has no key in AMT's KVM keyboard (ASCII, Latin-1, Enter, Tab, Backspace, Esc); remove it and retry.`);
}

/** Down and up for every character of `text` (a "\r\n" pair is one Enter). */
export function textToKeystrokes(text: string): KeyStroke[] {
  const out: KeyStroke[] = [];
  const chars = [...text.replace(/\r\n/g, '\n')];
  for (const ch of chars) {
    const keysym = keysymOf(ch);
    out.push({ keysym, down: true }, { keysym, down: false });
  }
  return out;
}

/** Ctrl-Alt-Del as MeshCommander sends it: Ctrl↓ Alt↓ Del↓ Del↑ Alt↑ Ctrl↑. */
export function ctrlAltDel(): KeyStroke[] {
  const keys = [KEYSYM.CONTROL_L, KEYSYM.ALT_L, KEYSYM.DELETE];
  return [...keys.map((keysym) => ({ keysym, down: true })), ...keys.reverse().map((keysym) => ({ keysym, down: false }))];
}
