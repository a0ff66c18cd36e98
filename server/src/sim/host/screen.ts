/**
 * An 80×25 text screen fed with what the host prints: the subset of VT100 the simulated BIOS and
 * OS use (CR, LF, BS, ESC[2J clear, ESC[H / ESC[r;cH cursor position, ESC[K erase to end of line;
 * other escape sequences are skipped). Lines scroll off the top. Enough for a KVM view to draw
 * the host's last screen; not a terminal emulator (xterm.js and the like live in the extension).
 */
export const COLUMNS = 80;
export const ROWS = 25;

export class TextScreen {
  private rows: string[][] = blank();
  private row = 0;
  private col = 0;
  /** An escape sequence cut across two writes. */
  private pending = '';

  /** The screen as 25 strings of 80 characters. */
  lines(): string[] {
    return this.rows.map((r) => r.join(''));
  }

  /** The screen as text: trailing blanks and empty bottom lines trimmed. */
  text(): string {
    const lines = this.lines().map((l) => l.trimEnd());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }

  get cursor(): { row: number; col: number } {
    return { row: this.row, col: this.col };
  }

  clear(): void {
    this.rows = blank();
    this.row = 0;
    this.col = 0;
    this.pending = '';
  }

  write(text: string): void {
    const s = this.pending + text;
    this.pending = '';
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (ch === '\x1b') {
        const m = /^\x1b\[([0-9;?]*)([@-~])/.exec(s.slice(i, i + 16));
        if (!m) {
          if (s.length - i < 16 && /^\x1b(\[[0-9;?]*)?$/.test(s.slice(i))) {
            this.pending = s.slice(i);
            return;
          }
          continue; // not a CSI sequence: drop the ESC
        }
        this.csi(m[1], m[2]);
        i += m[0].length - 1;
      } else if (ch === '\r') this.col = 0;
      else if (ch === '\n') this.lineFeed();
      else if (ch === '\b') this.col = Math.max(0, this.col - 1);
      else if (ch >= ' ') this.put(ch);
    }
  }

  private put(ch: string): void {
    if (this.col >= COLUMNS) {
      this.col = 0;
      this.lineFeed();
    }
    this.rows[this.row][this.col] = ch;
    this.col += 1;
  }

  private lineFeed(): void {
    if (this.row < ROWS - 1) this.row += 1;
    else {
      this.rows.shift();
      this.rows.push(Array(COLUMNS).fill(' '));
    }
  }

  private csi(params: string, final: string): void {
    const n = params.split(';').map((p) => Number.parseInt(p, 10));
    if (final === 'J' && n[0] === 2) {
      this.rows = blank();
    } else if (final === 'H' || final === 'f') {
      this.row = clamp((n[0] || 1) - 1, ROWS);
      this.col = clamp((n[1] || 1) - 1, COLUMNS);
    } else if (final === 'K') {
      for (let c = this.col; c < COLUMNS; c++) this.rows[this.row][c] = ' ';
    }
  }
}

function blank(): string[][] {
  return Array.from({ length: ROWS }, () => Array(COLUMNS).fill(' '));
}

function clamp(v: number, size: number): number {
  return Math.min(Math.max(0, v), size - 1);
}
