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
    try {
      await this.client.put(className, properties, undefined, this.opts());
      this.steps.push({ step: label, ok: true, detail: 'accepted' });
    } catch (err) {
      this.fail(label, err);
    }
  }

  /** A method call; a non-zero ReturnValue fails the step. `why` adds what the caller knows about a refusal. */
  async invoke(label: string, className: string, method: string, input: Record<string, WsInput>, why?: (returnValue: number) => string | undefined): Promise<void> {
    let rv: { returnValue: number; returnMeaning: string };
    try {
      rv = await this.client.invoke(className, method, input, undefined, this.opts());
    } catch (err) {
      this.fail(label, err);
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

  private fail(label: string, err: unknown): never {
    const fault = err instanceof WsmanFaultError ? err : undefined;
    this.steps.push({ step: label, ok: false, detail: fault ? `fault ${fault.subcode || fault.soapCode}` : 'no answer' });
    if (fault?.subcode === 'AccessDenied') {
      throw new BootError('boot.consent', `${label} was refused with AccessDenied; ${CONSENT_HINT} (or check that the account has the Remote Control realm).`, [...this.steps], err);
    }
    if (err instanceof AmtError) {
      const text = err.message.replace(/\.$/, '');
      throw new BootError(err.code, `${label} failed: ${text}${fault ? '' : '; it was not resent, so check amtwb boot status before trying again'}.`, [...this.steps], err);
    }
    throw err;
  }
}

export { wsBool as bool, wsInt as int } from '../instances/scalars';
