/**
 * The product's view of one MEI connection (one open of /dev/meiN connected to one firmware
 * client by GUID). Implemented over koffi in `device.ts`; APF and AMTHI are written against this
 * interface only, so they can also be exercised over an in-memory pair in unit tests.
 */
export interface MeiConnection {
  /** Largest message the firmware client accepts in one write (from IOCTL_MEI_CONNECT_CLIENT). */
  readonly maxMessageLength: number;
  /** The firmware client's protocol version (from IOCTL_MEI_CONNECT_CLIENT). */
  readonly protocolVersion: number;
  /**
   * Writes one whole message. Writes reach the device in call order, so a caller may queue several
   * without waiting for each. Rejects with an AmtError (e.g. EFBIG when longer than
   * maxMessageLength, ENODEV after a reset).
   */
  write(message: Buffer, signal?: AbortSignal): Promise<void>;
  /** Resolves with the next whole message from the firmware; rejects with an AmtError on reset/close/abort/timeout. */
  read(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<Buffer>;
  /** Closes the file descriptor; pending reads reject. Idempotent. */
  close(): Promise<void>;
}
