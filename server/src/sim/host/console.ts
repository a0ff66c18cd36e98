/**
 * The host's text console as the BIOS and OS programs use it: keys decoded from the serial input
 * (the keys consoles send, spec redirection.md §3.4), paced printing and a line editor. Each boot
 * gets a fresh `Run`; starting the next boot (or powering off) ends the previous run, whose next
 * print, pause or key wait then throws `Aborted`, so an old BIOS or shell never writes into the
 * new boot.
 */
import type { SerialPort } from './serial';

type SpecialKey = 'enter' | 'backspace' | 'ctrl-c' | 'ctrl-d' | 'esc' | 'f2' | 'f10' | 'other';
export type Key = { kind: 'char'; ch: string } | { kind: SpecialKey };

/** The run that printed or waited has been replaced by a newer boot (or the host went off). */
export class Aborted extends Error {
  constructor() {
    super('The host run ended (the host rebooted or powered off).');
  }
}

/** Escape sequences with a name here; others decode as 'other'. */
const NAMED: Readonly<Record<string, SpecialKey>> = {
  '\x1b[21~': 'f10', '\x1bOY': 'f10', '\x1b[12~': 'f2', '\x1bOQ': 'f2',
};
const MAX_TYPEAHEAD = 256;

export class HostConsole {
  private generation = 0;
  private queue: Key[] = [];
  private waiter: { resolve(k: Key): void; reject(e: Error): void } | undefined;
  /** The last byte was \r, so an \n right after it belongs to the same Enter. */
  private afterCr = false;

  constructor(
    readonly serial: SerialPort,
    /** Real-time pause after each paced line (SimHost option `lineDelayMs`). */
    readonly lineDelayMs: number,
  ) {
    serial.onKeys((bytes) => this.keys(bytes));
  }

  /** Ends the current run and starts a new one (a boot, or the OS already running at start). */
  begin(): Run {
    this.end();
    return new Run(this, this.generation);
  }

  /** Ends the current run (power off): its pending key wait rejects, typed-ahead keys go. */
  end(): void {
    this.generation += 1;
    this.queue = [];
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(new Aborted());
  }

  isCurrent(generation: number): boolean {
    return generation === this.generation;
  }

  /** The next key (typed-ahead keys first). */
  nextKey(generation: number, flush: boolean): Promise<Key> {
    if (!this.isCurrent(generation)) return Promise.reject(new Aborted());
    if (flush) this.queue = [];
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise<Key>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Takes a typed-ahead key of this kind out of the queue, if one is there (F2 during POST). */
  takeQueued(generation: number, kind: Key['kind']): boolean {
    if (!this.isCurrent(generation)) return false;
    const at = this.queue.findIndex((k) => k.kind === kind);
    if (at >= 0) this.queue.splice(at, 1);
    return at >= 0;
  }

  private push(key: Key): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve(key);
    } else if (this.queue.length < MAX_TYPEAHEAD) this.queue.push(key);
  }

  private keys(bytes: Buffer): void {
    const s = bytes.toString('latin1');
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      const wasCr = this.afterCr;
      this.afterCr = ch === '\r';
      if (ch === '\x1b') {
        const seq = /^\x1b(\[[0-9;]*[~A-Za-z]|O[A-Za-z])/.exec(s.slice(i, i + 8));
        if (seq) {
          this.push({ kind: NAMED[seq[0]] ?? 'other' });
          i += seq[0].length - 1;
        } else this.push({ kind: 'esc' }); // a lone ESC (nothing after it in this chunk, or no sequence)
      } else if (ch === '\r') this.push({ kind: 'enter' });
      else if (ch === '\n') {
        if (!wasCr) this.push({ kind: 'enter' });
      } else if (ch === '\x7f' || ch === '\b') this.push({ kind: 'backspace' });
      else if (ch === '\x03') this.push({ kind: 'ctrl-c' });
      else if (ch === '\x04') this.push({ kind: 'ctrl-d' });
      else if (ch >= ' ') this.push({ kind: 'char', ch });
    }
  }
}

/** One boot's hold on the console. */
export class Run {
  constructor(
    private readonly console: HostConsole,
    private readonly generation: number,
  ) {}

  get live(): boolean {
    return this.console.isCurrent(this.generation);
  }

  /** Throws Aborted when a newer run took over. */
  check(): void {
    if (!this.live) throw new Aborted();
  }

  print(text: string, toSerial = true): void {
    this.check();
    this.console.serial.write(text, toSerial);
  }

  /** Prints one line and waits the line delay (BIOS and boot messages scroll at a readable pace). */
  async line(text: string, toSerial = true): Promise<void> {
    this.print(`${text}\r\n`, toSerial);
    await this.pause(this.console.lineDelayMs);
  }

  async pause(ms: number): Promise<void> {
    this.check();
    if (ms > 0) await new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
    else await new Promise<void>((resolve) => setImmediate(resolve));
    this.check();
  }

  /** Whether this key was typed while the run printed (and takes it). */
  pressed(kind: Key['kind']): boolean {
    return this.console.takeQueued(this.generation, kind);
  }

  /** The next key; `flush` drops keys typed before the prompt (a BIOS clears its key buffer). */
  key(flush = false): Promise<Key> {
    return this.console.nextKey(this.generation, flush);
  }

  /**
   * Reads one line with echo (or none, for passwords), backspace editing and Ctrl-C; resolves the
   * text on Enter, or undefined when Ctrl-C cancelled it.
   */
  async readLine(echo = true): Promise<string | undefined> {
    let text = '';
    for (;;) {
      const k = await this.key();
      if (k.kind === 'enter') {
        this.print('\r\n');
        return text;
      }
      if (k.kind === 'ctrl-c') {
        this.print('^C\r\n');
        return undefined;
      }
      if (k.kind === 'backspace') {
        if (text.length === 0) continue;
        text = text.slice(0, -1);
        if (echo) this.print('\b \b');
      } else if (k.kind === 'char' && text.length < 1024) {
        text += k.ch;
        if (echo) this.print(k.ch);
      }
    }
  }
}
