/**
 * The firmware watchdog client over MEI directly (the protocol of the Linux mei_wdt driver, drivers/watchdog/mei_wdt.c), for machines where the
 * mei_wdt driver is not bound: what the driver would send, sent by us. Start and heartbeat are the
 * same message; with protocol version > 1 the firmware answers each with a start response. Closing
 * the MEI connection does not stop the firmware's timer, so close() sends stop when started.
 */
import { AmtError } from '../../errors';
import { openMei } from '../../targets/mei';
import type { MeiConnection } from '../../targets/mei';
import { checkTimeout } from './linux-api';
import { decodeStartResponse, encodeStart, encodeStop, WATCHDOG_CLIENT_GUID } from './messages';

/** How long to wait for the start response; the firmware answers at once. */
const RESPONSE_TIMEOUT_MS = 5000;

export class MeiWatchdog {
  private started = false;
  private timeout = 120;
  private closed: Promise<void> | undefined;

  private constructor(private readonly conn: MeiConnection, readonly path: string) {}

  static async open(options: { path?: string; signal?: AbortSignal } = {}): Promise<MeiWatchdog> {
    try {
      const conn = await openMei({ guid: WATCHDOG_CLIENT_GUID, ...(options.path ? { path: options.path } : {}), ...(options.signal ? { signal: options.signal } : {}) });
      return new MeiWatchdog(conn, options.path ?? 'the MEI device');
    } catch (err) {
      if (err instanceof AmtError && err.code === 'mei.ebusy') {
        throw new AmtError('watchdog.busy', `The firmware watchdog client is already in use (usually by the mei_wdt kernel driver): use its /dev/watchdogN device instead (give it with --device), or unload the driver ("modprobe -r mei_wdt").`, { cause: err });
      }
      throw err;
    }
  }

  /** The client's protocol version (> 1: heartbeats are answered). */
  get protocolVersion(): number {
    return this.conn.protocolVersion;
  }

  get timeoutSeconds(): number {
    return this.timeout;
  }

  /** Arms the firmware timer with this timeout (the first heartbeat). */
  async start(timeoutSeconds: number, signal?: AbortSignal): Promise<void> {
    checkTimeout(timeoutSeconds);
    this.timeout = timeoutSeconds;
    await this.heartbeat(signal);
  }

  async heartbeat(signal?: AbortSignal): Promise<void> {
    await this.conn.write(encodeStart(this.timeout), signal);
    this.started = true;
    if (this.conn.protocolVersion <= 1) return; // legacy firmware sends no response
    const reply = await this.conn.read({ timeoutMs: RESPONSE_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    const res = decodeStartResponse(reply);
    if (!res) throw new AmtError('watchdog.protocol', `The firmware watchdog client answered a heartbeat with ${reply.length} unexpected bytes (${reply.subarray(0, 8).toString('hex')}); it may not be the AMT watchdog.`);
    if (res.notRequired) throw new AmtError('watchdog.not-required', 'The firmware says no OS watchdog is needed (AMT is not enabled or not provisioned): enable and provision AMT to use it.');
    if (res.status !== 0) throw new AmtError('watchdog.refused', `The firmware refused the watchdog heartbeat (status ${res.status}); check that AMT is enabled.`);
  }

  async stop(signal?: AbortSignal): Promise<void> {
    if (!this.started) return;
    await this.conn.write(encodeStop(), signal);
    this.started = false;
  }

  /** Stops the timer if it was started, then closes the MEI connection. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      try {
        await this.stop();
      } finally {
        await this.conn.close();
      }
    })();
    return this.closed;
  }
}
