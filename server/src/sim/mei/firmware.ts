/**
 * How the simulated firmware plugs its clients (LME/APF, AMTHI, MKHI, watchdog) into the emulated
 * MEI device. The FUSE device (or an in-memory pair in tests) calls `open` when the host connects
 * to the client's GUID, `onMessage` for every host write, and `onClose` when the host closes.
 */
export interface FirmwareConnection {
  /** Queues one whole firmware→host message; the host reads it with read(). */
  send(message: Buffer): void;
  /** The firmware drops the connection (the host's next read/write fails like the driver does). */
  close(): void;
}

export interface FirmwareSession {
  /** One whole host→firmware message (one write()). */
  onMessage(message: Buffer): void;
  /** The host closed the file descriptor or the device was reset. */
  onClose(): void;
}

export interface FirmwareClient {
  /** Client GUID in its canonical text form, e.g. `6733a4db-0476-4e7b-b3af-bcfc29bee7a7` (LME). */
  readonly guid: string;
  readonly protocolVersion: number;
  readonly maxMessageLength: number;
  /** Only one host connection at a time (a second connect gets EBUSY). */
  readonly singleConnection: boolean;
  open(connection: FirmwareConnection): FirmwareSession;
}
