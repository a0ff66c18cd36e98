/**
 * Which catalog classes one device serves: a background probe (one Enumerate per class, released
 * at once; server/src/features/instances/probe.ts) with a few requests in flight at a time, run
 * once per device and kept until asked again. The Classes tree reads the results to mark the
 * classes a device does not serve, in plain words rather than WS-Addressing fault names.
 */
import { Requests, type Fault, type ProbeClassResult } from '../../../server/src/protocol';
import { errorMessage, type Request } from './request';

/** Requests in flight at once: AMT firmware serves a handful of connections (MeshCommander keeps to a few). */
export const PROBE_CONCURRENCY = 4;

/** Runs the probe with progress UI: `report(done, total)` after each class; the signal stops it. */
export type ProbeProgress = (title: string, work: (report: (done: number, total: number) => void, signal: AbortSignal) => Promise<void>) => Promise<void>;

export type ProbeStatus =
  | { kind: 'idle' }
  | { kind: 'running'; done: number; total: number }
  | { kind: 'done'; served: number; total: number }
  | { kind: 'stopped'; done: number; total: number }
  /** A request failed for another reason than a fault (unreachable, wrong password): the sentence. */
  | { kind: 'failed'; error: string };

/**
 * What a refusal means to a user, in one sentence. The faults AMT answers for a class it has no
 * provider for (DSP0226 §14.6: wsa:DestinationUnreachable, wsa:ActionNotSupported,
 * wsman:InvalidResourceURI… ) all say the same thing: the device does not serve the class.
 */
export function refusalText(fault: Fault): string {
  if (/DestinationUnreachable|ActionNotSupported|InvalidResourceURI|InvalidSelectors|NotSupported/i.test(fault.subcode)) return 'Not served by this device';
  if (/AccessDenied/i.test(fault.subcode)) return 'This account may not read it (access denied)';
  return `Refused by the device: ${fault.reason || fault.subcode}`;
}

export class ClassProbe {
  private readonly results = new Map<string, ProbeClassResult>();
  private current: { promise: Promise<void>; controller: AbortController } | undefined;
  private state: ProbeStatus = { kind: 'idle' };

  constructor(
    private readonly request: Request,
    private readonly targetId: string,
    private readonly hooks: {
      /** One class's answer arrived. */
      onResult?: (className: string) => void;
      /** The probe started, ended, stopped or failed. */
      onStatus?: (status: ProbeStatus) => void;
      withProgress?: ProbeProgress;
      concurrency?: number;
      /** The device's name, for the progress title. */
      label?: () => string;
    } = {},
  ) {}

  get status(): ProbeStatus {
    return this.state;
  }

  /** True once asked (running, done, stopped or failed): the tree starts it only once per device. */
  get started(): boolean {
    return this.state.kind !== 'idle';
  }

  /** Served or not, once the probe reached the class; undefined before. */
  result(className: string): ProbeClassResult | undefined {
    return this.results.get(className);
  }

  /**
   * Probes every class in `classNames`. Without `again` a probe already run (or running) is kept;
   * with it the results are dropped and every class is asked again.
   */
  run(classNames: readonly string[], again = false): Promise<void> {
    if (this.current && !again) return this.current.promise;
    if (!again && this.state.kind !== 'idle') return Promise.resolve();
    this.current?.controller.abort();
    this.results.clear();
    const controller = new AbortController();
    const promise = this.probeAll(classNames, controller);
    const entry = { promise, controller };
    this.current = entry;
    void promise.finally(() => {
      if (this.current === entry) this.current = undefined;
    });
    return promise;
  }

  /** After a failed probe: the next run() without `again` tries again. */
  forgetFailure(): void {
    if (this.state.kind === 'failed') this.state = { kind: 'idle' };
  }

  /** Stops a running probe; what arrived stays. */
  stop(): void {
    this.current?.controller.abort();
  }

  private setStatus(status: ProbeStatus): void {
    this.state = status;
    this.hooks.onStatus?.(status);
  }

  private async probeAll(classNames: readonly string[], controller: AbortController): Promise<void> {
    const total = classNames.length;
    let done = 0;
    let served = 0;
    let failure: string | undefined;
    this.setStatus({ kind: 'running', done, total });
    const work = async (report: (done: number, total: number) => void, signal: AbortSignal) => {
      const queue = [...classNames];
      const worker = async () => {
        for (let name = queue.shift(); name !== undefined && !signal.aborted && !controller.signal.aborted && !failure; name = queue.shift()) {
          try {
            const r = await this.request(Requests.probeClass, { targetId: this.targetId, className: name });
            if (controller.signal.aborted) return;
            this.results.set(name, r);
            if (r.served) served++;
            done++;
            this.state = { kind: 'running', done, total };
            report(done, total);
            this.hooks.onResult?.(name);
          } catch (err) {
            failure ??= errorMessage(err);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.hooks.concurrency ?? PROBE_CONCURRENCY, total) }, worker));
      if (signal.aborted) controller.abort();
    };
    const title = `Checking which classes ${this.hooks.label?.() ?? 'the device'} serves`;
    await (this.hooks.withProgress ?? ((_t, w) => w(() => undefined, new AbortController().signal)))(title, work);
    if (this.current?.controller !== controller) return; // a newer probe took over
    if (failure) this.setStatus({ kind: 'failed', error: failure });
    else if (controller.signal.aborted) this.setStatus({ kind: 'stopped', done, total });
    else this.setStatus({ kind: 'done', served, total });
  }
}
