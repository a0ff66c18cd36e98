/**
 * Small stand-ins for the simulated host's side of host/links.ts, so the redirection service can
 * be tested alone: a serial console that records keystrokes and can print, and an IDE-R attach
 * point that records the buses it is lent.
 */
import { EventEmitter, once } from 'node:events';
import type { HostSerial, IderAttachPoint, IderBus } from '../../../../server/src/sim/host/links';

export class SerialStandIn extends EventEmitter implements HostSerial {
  powered = true;
  readonly received: Buffer[] = [];
  /** Echo every keystroke back, as a terminal with echo on does. */
  echo = false;

  input(bytes: Buffer): void {
    this.received.push(Buffer.from(bytes));
    this.emit('input', bytes);
    if (this.echo) this.emit('output', Buffer.from(bytes));
  }

  print(text: string | Buffer): void {
    this.emit('output', Buffer.from(text));
  }

  setPower(on: boolean): void {
    this.powered = on;
    this.emit('power', on);
  }

  /** Resolves when the keystrokes received so far contain `text`. */
  async waitFor(text: string): Promise<void> {
    while (!Buffer.concat(this.received).toString('latin1').includes(text)) await once(this, 'input');
  }
}

export class IderStandIn extends EventEmitter implements IderAttachPoint {
  bus?: IderBus;
  startMode?: number;
  detached = 0;

  attachIder(bus: IderBus, startMode: number): void {
    this.bus = bus;
    this.startMode = startMode;
    this.emit('attach', bus);
  }

  detachIder(bus: IderBus): void {
    if (bus === this.bus) this.bus = undefined;
    this.detached++;
    this.emit('detach', bus);
  }

  async attached(): Promise<IderBus> {
    while (!this.bus) await once(this, 'attach');
    return this.bus;
  }
}
