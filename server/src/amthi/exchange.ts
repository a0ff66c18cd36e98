/**
 * One request, one answer over a MEI connection — the way LMS and the kernel sample talk to AMTHI
 * and MKHI (as Intel LMS does it): one command at a time per connection, a write, then a read with a limit.
 */
import { AmtError } from '../errors';
import type { MeiConnection } from '../mei/types';

export interface CallOptions {
  signal?: AbortSignal;
  /** Limit for the answer; default 15000 ms (LMS's read timeout). */
  timeoutMs?: number;
}

export class Exchange {
  private queue: Promise<unknown> = Promise.resolve();
  /** Set when a request was abandoned (timeout, abort): its late answer would be taken for the next one. */
  private abandoned?: string;

  constructor(readonly mei: MeiConnection, private readonly client: string) {}

  /** Sends `request` and resolves with the next message, after any exchange already running. */
  call(request: Buffer, what: string, options: CallOptions = {}): Promise<Buffer> {
    const run = async () => {
      options.signal?.throwIfAborted();
      if (this.abandoned) {
        throw new AmtError('amthi.stale', `An earlier ${this.abandoned} request on the ${this.client} client got no answer in time; open a new connection before sending ${what}.`);
      }
      await this.mei.write(request, options.signal);
      let answer: Buffer;
      try {
        answer = await this.mei.read({ signal: options.signal, timeoutMs: options.timeoutMs ?? 15000 });
      } catch (err) {
        this.abandoned = what;
        throw err;
      }
      if (answer.length === 0) {
        // The kernel sample reads an empty answer as "AMT disabled" (HOST_IF_EMPTY_RESPONSE).
        throw new AmtError('amthi.empty', `AMT gave no answer to ${what} on the ${this.client} client; AMT is probably disabled in the firmware (check the BIOS/MEBx setting).`);
      }
      return answer;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }
}
