/**
 * The host's serial port (COM2 behind the ME): what the BIOS and OS print leaves as `output`
 * bytes while the host is powered; keystrokes come in through `input` and are ignored while it is
 * off. Everything printed also lands on `screen` (an 80×25 text model the KVM work can draw),
 * even the BIOS text that goes to the serial port only with console redirection (UseSOL).
 *
 * Text is VT100/ANSI with \r\n line ends: `write` turns a lone \n into \r\n. A `screen` event
 * (no arguments) follows every change of the screen model, redirected or not, for a KVM view.
 */
import { EventEmitter } from 'node:events';
import type { HostSerial } from './links';
import { TextScreen } from './screen';

export class SerialPort extends EventEmitter implements HostSerial {
  /** The last screen the host drew (everything printed, redirected or not). */
  readonly screen = new TextScreen();
  private keySink: ((bytes: Buffer) => void) | undefined;

  constructor(private readonly isPowered: () => boolean) {
    super();
  }

  get powered(): boolean {
    return this.isPowered();
  }

  input(bytes: Buffer): void {
    if (!this.powered || bytes.length === 0) return;
    this.keySink?.(bytes);
  }

  /** Where keystrokes go (the host console's key decoder). */
  onKeys(sink: (bytes: Buffer) => void): void {
    this.keySink = sink;
  }

  /**
   * Prints `text` on the host's screen and, unless `toSerial` is false (BIOS text without console
   * redirection), on the serial port.
   */
  write(text: string, toSerial = true): void {
    const crlf = text.replace(/\r?\n/g, '\r\n');
    if (!this.powered) return;
    this.screen.write(crlf);
    if (toSerial) this.emit('output', Buffer.from(crlf, 'utf8'));
    this.emit('screen');
  }

  /** The host's power went on or off: listeners hear it; the screen goes dark when off. */
  powerChanged(powered: boolean): void {
    if (!powered) this.screen.clear();
    this.emit('power', powered);
    if (!powered) this.emit('screen');
  }
}
