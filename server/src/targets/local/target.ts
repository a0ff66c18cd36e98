/**
 * One "AMT on this machine" entry of the target registry, whichever way it is reached:
 * - `local`: our own APF session over the MEI device (LocalApf) — WS-Man over APF channels;
 * - `lms`:   an installed LMS on 127.0.0.1:16992 (16993 with TLS) — plain TCP;
 * - `auto`:  decided on first connect by detect.ts (LMS if something listens, else MEI).
 */
import type { WsmanClient, WsmanClientOptions } from '../../wsman/client';
import type { TlsTransportOptions } from '../../wsman/transport';
import { LocalApf, type MeiOpen } from './apf';
import { lmsClient, localClient, type LmsEndpoint, type LocalCredentials } from './clients';
import { detectLocalRoute, LMS_ENDPOINT, type LocalRoute } from './detect';
import type { LocalTrace } from './trace';

export type LocalKind = 'local' | 'lms' | 'auto';

export interface LocalTargetConfig {
  kind: LocalKind;
  /** MEI device file (local, and the local-account look-up of lms/auto); default /dev/mei0 … /dev/mei3. */
  meiPath?: string;
  /** The LMS address for lms/auto; default 127.0.0.1:16992 (16993 with TLS). */
  lms?: Partial<LmsEndpoint>;
  /** Use TLS (port 16993) with these trust settings. */
  tls?: Omit<TlsTransportOptions, 'via'>;
}

export interface LocalClientRequest {
  credentials?: LocalCredentials;
  timeoutMs?: number;
  trace?: WsmanClientOptions['trace'];
  onOutcome?: WsmanClientOptions['onOutcome'];
  signal?: AbortSignal;
}

export class LocalTarget {
  private apfAccess?: LocalApf;
  /** How an `auto` target was resolved, once it was. */
  route?: LocalRoute;

  constructor(readonly config: LocalTargetConfig, private readonly trace?: LocalTrace) {
    if (config.kind !== 'auto') this.route = config.kind;
  }

  get lmsEndpoint(): LmsEndpoint {
    return { host: this.config.lms?.host ?? LMS_ENDPOINT.host, port: this.config.lms?.port ?? (this.config.tls ? 16993 : LMS_ENDPOINT.port) };
  }

  /** The APF session owner (created on first use; also used for MEI look-ups of lms targets). */
  get apf(): LocalApf {
    return (this.apfAccess ??= new LocalApf({ ...(this.config.meiPath ? { meiPath: this.config.meiPath } : {}), ...(this.trace ? { trace: this.trace } : {}) }));
  }

  get open(): MeiOpen {
    return this.apf.open;
  }

  async client(request: LocalClientRequest): Promise<WsmanClient> {
    this.route ??= await detectLocalRoute({ lms: this.lmsEndpoint, apf: this.apf, ...(request.signal ? { signal: request.signal } : {}) });
    const common = {
      ...(request.credentials ? { credentials: request.credentials } : {}),
      ...(this.config.tls ? { tls: this.config.tls } : {}),
      ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.trace ? { trace: request.trace } : {}),
      ...(request.onOutcome ? { onOutcome: request.onOutcome } : {}),
    };
    if (this.route === 'lms') {
      return lmsClient(this.lmsEndpoint, { open: this.apf.open, where: this.apf.where }, { ...common, ...(request.signal ? { signal: request.signal } : {}) });
    }
    await this.apf.session(request.signal); // fail here, with the MEI/APF reason, rather than on the first request
    const trace = this.trace;
    return localClient(this.apf, { ...common, ...(trace ? { onRetry: (what: string) => trace('send', 'apf', what) } : {}) });
  }

  async close(): Promise<void> {
    await this.apfAccess?.close();
  }
}
