/**
 * KVM keyboard input (RFB KeyEvent, X11 keysyms; spec: redirection.md §5.6) turned into the bytes
 * the simulated host's console reads — the same bytes a SOL console would send, so a key typed
 * in KVM reaches the BIOS, the login prompt and the shell exactly as one typed in SOL.
 *
 * Printable Latin-1 keysyms give their character; Ctrl with a letter gives its control code;
 * Enter, Backspace, Tab, Esc, the arrows and F1–F12 give the VT100/xterm sequences the host's
 * key decoder knows. Ctrl-Alt-Del is reported separately (the caller reboots the host). Other
 * keysyms (modifiers alone, Intel's EU-102/JP-106 keysyms, keypad) give nothing.
 */

const KEYSYM = {
  BackSpace: 0xff08, Tab: 0xff09, Return: 0xff0d, Escape: 0xff1b, Delete: 0xffff,
  Left: 0xff51, Up: 0xff52, Right: 0xff53, Down: 0xff54, KpEnter: 0xff8d,
  ShiftL: 0xffe1, ShiftR: 0xffe2, ControlL: 0xffe3, ControlR: 0xffe4, AltL: 0xffe9, AltR: 0xffea,
} as const;

const SEQUENCES: Readonly<Record<number, string>> = {
  [KEYSYM.BackSpace]: '\x7f', [KEYSYM.Tab]: '\t', [KEYSYM.Return]: '\r', [KEYSYM.KpEnter]: '\r', [KEYSYM.Escape]: '\x1b',
  [KEYSYM.Left]: '\x1b[D', [KEYSYM.Up]: '\x1b[A', [KEYSYM.Right]: '\x1b[C', [KEYSYM.Down]: '\x1b[B',
  [KEYSYM.Delete]: '\x1b[3~',
  0xffbe: '\x1bOP', 0xffbf: '\x1bOQ', 0xffc0: '\x1bOR', 0xffc1: '\x1bOS', 0xffc2: '\x1b[15~', 0xffc3: '\x1b[17~',
  0xffc4: '\x1b[18~', 0xffc5: '\x1b[19~', 0xffc6: '\x1b[20~', 0xffc7: '\x1b[21~', 0xffc8: '\x1b[23~', 0xffc9: '\x1b[24~',
};

export type KeyResult = { bytes: Buffer } | { ctrlAltDel: true } | undefined;

/** Tracks the modifiers of one KVM session and translates its key presses. */
export class Keyboard {
  private readonly held = new Set<number>();

  event(down: boolean, keysym: number): KeyResult {
    if (!down) {
      this.held.delete(keysym);
      return undefined;
    }
    this.held.add(keysym);
    const ctrl = this.held.has(KEYSYM.ControlL) || this.held.has(KEYSYM.ControlR);
    const alt = this.held.has(KEYSYM.AltL) || this.held.has(KEYSYM.AltR);
    if (keysym === KEYSYM.Delete && ctrl && alt) return { ctrlAltDel: true };
    const seq = SEQUENCES[keysym];
    if (seq !== undefined) return { bytes: Buffer.from(seq, 'latin1') };
    if (keysym >= 0x20 && keysym <= 0xff) {
      const ch = String.fromCharCode(keysym);
      if (ctrl && /[@-_a-z]/i.test(ch)) return { bytes: Buffer.from([ch.toUpperCase().charCodeAt(0) & 0x1f]) };
      return { bytes: Buffer.from(ch, 'latin1') };
    }
    return undefined;
  }
}
