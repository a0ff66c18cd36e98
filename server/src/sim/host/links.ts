/**
 * What the simulated host (host/) and the firmware's redirection service (redirection/) see of
 * each other — the only coupling between them, so each side can be read and tested alone.
 *
 * - The host's serial port (COM2 behind the ME on a real board): everything the BIOS and the OS
 *   print goes out as `output`; SOL carries it to the console and the console's keystrokes come
 *   back through `input`. The KVM work will draw the same text console.
 * - IDE-R: while a console's IDE-R session has its drives enabled, the redirection service lends
 *   the host an `IderBus`. The host's BIOS (booting from IDE-R) and the simulated installer send
 *   ATAPI packets through it; the service turns each into the wire exchange with the console
 *   (0x50 CommandWritten, then the console's 0x54 data / 0x51 end), or answers it itself where the
 *   firmware does (INQUIRY, REQUEST SENSE: the device identity lives in the firmware).
 */
import type { EventEmitter } from 'node:events';

/** The host's serial console, as the firmware sees it. */
export interface HostSerial extends EventEmitter {
  /** Keystrokes from a console (SOL data to host, 0x28) into the host. */
  input(bytes: Buffer): void;
  /** Whether the host is powered on (SOL 0x29 status bit 4). */
  readonly powered: boolean;
  on(event: 'output', listener: (bytes: Buffer) => void): this;
  /** The host's power went on or off (the SOL service sends 0x29 controls on it). */
  on(event: 'power', listener: (powered: boolean) => void): this;
  off(event: 'output', listener: (bytes: Buffer) => void): this;
  off(event: 'power', listener: (powered: boolean) => void): this;
}

/** Sense data of a CHECK CONDITION (SCSI key / additional sense code / qualifier). */
export interface Sense {
  key: number;
  asc: number;
  ascq: number;
}

/** What came back for one ATAPI packet. */
export interface AtapiResult {
  /** The bytes the console returned (0x54 DataToHost payloads, joined); empty when none. */
  data: Buffer;
  /** GOOD status, or the CHECK CONDITION sense the console (or the firmware) gave. */
  sense?: Sense;
}

export type IderDevice = 'cd' | 'floppy';

/** The redirected IDE channel while a console's IDE-R session has its drives enabled. */
export interface IderBus {
  /** Which virtual drives exist (both always appear on the bus; the console decides which has media). */
  readonly devices: readonly IderDevice[];
  /**
   * One ATAPI PACKET command to a drive (CD = slave 0xB0, floppy = master 0xA0): a 12-byte CDB and
   * the most bytes the host accepts. Rejects with an Error when the session ends or the console
   * answers out of protocol (the service then ends and logs the session).
   */
  packet(device: IderDevice, cdb: Buffer, allocation: number): Promise<AtapiResult>;
  /** Whether the session still runs. */
  readonly open: boolean;
}

/** The host side of IDE-R: the redirection service attaches a bus when a console enables its drives. */
export interface IderAttachPoint {
  /** The console enabled its drives (0x48 REGS_TOGGLE); `startMode` 0x08 next boot, 0x10 graceful, 0x18 now. */
  attachIder(bus: IderBus, startMode: number): void;
  /** The session ended (or the console disabled the drives). */
  detachIder(bus: IderBus): void;
}

/** The host's text screen, as the firmware's KVM draws it (host/serial.ts implements it). */
export interface HostScreen extends EventEmitter {
  readonly screen: { lines(): string[]; readonly cursor: { row: number; col: number } };
  readonly powered: boolean;
  /** After every change of the screen (no arguments). */
  on(event: 'screen', listener: () => void): this;
  off(event: 'screen', listener: () => void): this;
}
