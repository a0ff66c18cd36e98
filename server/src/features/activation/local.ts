/**
 * What every activation step needs from this machine: AMTHI over the MEI device (a fresh
 * connection per group of commands, as LMS does), and WS-Man over our own APF session — with AMT's
 * local system account, or as admin once a password is set. Progress is one line per step.
 */
import { AmthiClient, AMTHI_GUID, type AmthiCommand, type ControlMode, type ProvisioningState } from '../../amthi';
import { LocalApf } from '../../targets/local/apf';
import { localClient } from '../../targets/local/clients';
import type { LocalTrace } from '../../targets/local/trace';
import type { WsmanClient } from '../../wsman';
import { ADMIN_USER } from './password';

export interface ActivationOptions {
  /** The MEI device file; default the first of /dev/mei0 … /dev/mei3. */
  meiPath?: string;
  trace?: LocalTrace;
  signal?: AbortSignal;
  /** Per-request limit (ms). */
  timeoutMs?: number;
  /** One line per step, as it starts. */
  progress?: (step: string) => void;
}

export class LocalAmt {
  readonly apf: LocalApf;
  private lsa?: WsmanClient;

  constructor(readonly options: ActivationOptions) {
    this.apf = new LocalApf({ ...(options.meiPath ? { meiPath: options.meiPath } : {}), ...(options.trace ? { trace: options.trace } : {}) });
  }

  step(text: string): void {
    this.options.progress?.(text);
  }

  private get call() {
    return { ...(this.options.signal ? { signal: this.options.signal } : {}), ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}) };
  }

  /** Runs `fn` on a fresh AMTHI connection and closes it. */
  async amthi<T>(fn: (amthi: AmthiClient, call: { signal?: AbortSignal; timeoutMs?: number }) => Promise<T>): Promise<T> {
    const client = new AmthiClient(await this.apf.open(AMTHI_GUID, this.options.signal ? { signal: this.options.signal } : {}));
    try {
      return await fn(client, this.call);
    } finally {
      await client.close();
    }
  }

  /** Any AMTHI command descriptor, on its own connection. */
  run<A extends unknown[], R>(command: AmthiCommand<A, R>, args: A): Promise<R> {
    return this.amthi((a, call) => a.run(command, args, call));
  }

  /** Control mode and provisioning state, read over AMTHI. */
  state(): Promise<{ controlMode: ControlMode; provisioningState: ProvisioningState }> {
    return this.amthi(async (a, call) => ({ controlMode: await a.getControlMode(call), provisioningState: await a.getProvisioningState(call) }));
  }

  /** WS-Man as the local system account (read from AMTHI for each new APF session). */
  localAccount(): WsmanClient {
    return (this.lsa ??= localClient(this.apf, this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}));
  }

  /** WS-Man as admin with `password`. */
  admin(password: string): WsmanClient {
    return localClient(this.apf, { credentials: { user: ADMIN_USER, password }, ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}) });
  }

  wsCall() {
    return this.options.signal ? { signal: this.options.signal } : {};
  }

  close(): Promise<void> {
    return this.apf.close();
  }
}

/** Opens the local AMT, runs `fn`, and always closes the APF session. */
export async function withLocalAmt<T>(options: ActivationOptions, fn: (amt: LocalAmt) => Promise<T>): Promise<T> {
  const amt = new LocalAmt(options);
  try {
    return await fn(amt);
  } finally {
    await amt.close();
  }
}

export const MODE_WORDS: Record<ControlMode, string> = { none: 'pre-provisioning (not activated)', ccm: 'Client Control Mode (CCM)', acm: 'Admin Control Mode (ACM)' };
