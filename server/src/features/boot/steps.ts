/**
 * The steps of a boot sequence, recorded in the order they are sent. Each write goes out once:
 * nothing here retries (a Put or a method call AMT may already have applied must not be repeated),
 * and the first step that fails ends the sequence with one sentence naming that step and why.
 */
import { AmtError, type ErrorCode } from '../../errors';
import type { BootStep } from '../../protocol';
import { WsmanFaultError, type WsmanClient } from '../../wsman';
import type { WsInput, WsValue } from '../../wsman/types';

export interface CallOptions {
  signal?: AbortSignal;
}

/** A failed sequence: the sentence, plus the steps that were sent before and including the failing one. */
export class BootError extends AmtError {
  readonly steps: BootStep[];
  constructor(code: ErrorCode, message: string, steps: BootStep[], cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.name = 'BootError';
    this.steps = steps;
  }
}

/** The hint for a step AMT refused with AccessDenied: on a boot write that means user consent. */
const CONSENT_HINT =
  'AMT refuses boot changes until the user consents (client control mode): run amtwb consent start, read the six digits on the host screen, enter them with amtwb consent code NNNNNN, then try again';

export class StepRecorder {
  readonly steps: BootStep[] = [];
  /** Writes (Put, method calls) sent so far, answered or not. */
  private writes = 0;
  constructor(
    private readonly client: WsmanClient,
    private readonly call: CallOptions = {},
  ) {}

  /** Refuses before anything was written (or after, naming nothing sent). */
  refuse(code: ErrorCode, message: string): never {
    throw new BootError(code, message, [...this.steps]);
  }

  async get(className: string): Promise<Record<string, WsValue>> {
    const label = `Get ${className}`;
    try {
      const inst = await this.client.get(className, undefined, this.opts());
      this.steps.push({ step: label, ok: true, detail: 'read' });
      return inst.properties;
    } catch (err) {
      this.fail(label, err);
    }
  }

  async put(className: string, properties: Record<string, WsInput>): Promise<void> {
    const label = `Put ${className}`;
    const earlier = this.writes++;
    try {
      await this.client.put(className, properties, undefined, this.opts());
      this.steps.push({ step: label, ok: true, detail: 'accepted' });
    } catch (err) {
      this.fail(label, err, earlier);
    }
  }

  /** A method call; a non-zero ReturnValue fails the step. `why` adds what the caller knows about a refusal. */
  async invoke(label: string, className: string, method: string, input: Record<string, WsInput>, why?: (returnValue: number) => string | undefined): Promise<void> {
    let rv: { returnValue: number; returnMeaning: string };
    const earlier = this.writes++;
    try {
      rv = await this.client.invoke(className, method, input, undefined, this.opts());
    } catch (err) {
      this.fail(label, err, earlier);
    }
    const detail = `ReturnValue ${rv.returnValue} (${rv.returnMeaning})`;
    this.steps.push({ step: label, ok: rv.returnValue === 0, detail });
    if (rv.returnValue !== 0) {
      const hint = why?.(rv.returnValue) ?? (rv.returnValue === 6 ? CONSENT_HINT : 'nothing after this step was sent; check the device state with amtwb boot status and try again');
      throw new BootError('boot.refused', `${label} was refused with ${detail}; ${hint}.`, [...this.steps]);
    }
  }

  private opts(): { signal?: AbortSignal } {
    return this.call.signal ? { signal: this.call.signal } : {};
  }

  /** `earlierWrites`: writes sent before this step (a consent refusal after some may not simply be run again). */
  private fail(label: string, err: unknown, earlierWrites = this.writes): never {
    const fault = err instanceof WsmanFaultError ? err : undefined;
    this.steps.push({ step: label, ok: false, detail: fault ? `fault ${fault.subcode || fault.soapCode}` : 'no answer' });
    if (fault?.subcode === 'AccessDenied') {
      // Only a refusal before any write is `boot.consent`, which the editor answers by asking for
      // consent and sending the request again; after a write, running it again would resend that write.
      const code = earlierWrites === 0 ? 'boot.consent' : 'boot.refused';
      const sent = earlierWrites === 0 ? '' : ` after ${earlierWrites} earlier step${earlierWrites === 1 ? ' was' : 's were'} applied, so check amtwb boot status before booting again`;
      throw new BootError(code, `${label} was refused with AccessDenied${sent}; ${CONSENT_HINT} (or check that the account has the Remote Control realm).`, [...this.steps], err);
    }
    if (err instanceof AmtError) {
      const text = err.message.replace(/\.$/, '');
      throw new BootError(err.code, `${label} failed: ${text}${fault ? '' : '; it was not resent, so check amtwb boot status before trying again'}.`, [...this.steps], err);
    }
    throw err;
  }
}

export { wsBool as bool, wsInt as int } from '../instances/scalars';
