/**
 * AMTHI client over one MEI connection to the AMTHI GUID. Each method sends one command, checks
 * the answer's header (§3.1) and maps a non-zero status to an AmthiStatusError with a sentence.
 */
import type { MeiConnection } from '../mei/types';
import {
  EnumerateHashHandles, GetCertHashEntry, GetCodeVersions, GetControlMode, GetDNSSuffix, GetLANInterfaceSettings,
  GetLocalSystemAccount, GetProvisioningState, GetUUID, buildRequest, parseResponse,
  type AmthiCommand, type CertHashEntry, type CodeVersions, type ControlMode, type LanInterface,
  type LanInterfaceSettings, type LocalSystemAccount, type ProvisioningState,
} from './commands';
import { Exchange, type CallOptions } from './exchange';
import { AmthiStatusError } from './status';

export class AmthiClient {
  private readonly exchange: Exchange;

  constructor(mei: MeiConnection) {
    this.exchange = new Exchange(mei, 'AMTHI');
  }

  /** Runs any command descriptor; the building block of the methods below. */
  async run<A extends unknown[], R>(command: AmthiCommand<A, R>, args: A, options?: CallOptions): Promise<R> {
    const answer = await this.exchange.call(buildRequest(command, ...args), command.name, options);
    const { status, data } = parseResponse(command, answer);
    if (status !== 0) throw new AmthiStatusError(command.name, status);
    return command.decode(data);
  }

  getCodeVersions(options?: CallOptions): Promise<CodeVersions> {
    return this.run(GetCodeVersions, [], options);
  }
  getProvisioningState(options?: CallOptions): Promise<ProvisioningState> {
    return this.run(GetProvisioningState, [], options);
  }
  getControlMode(options?: CallOptions): Promise<ControlMode> {
    return this.run(GetControlMode, [], options);
  }
  getUUID(options?: CallOptions): Promise<string> {
    return this.run(GetUUID, [], options);
  }
  getLocalSystemAccount(options?: CallOptions): Promise<LocalSystemAccount> {
    return this.run(GetLocalSystemAccount, [], options);
  }
  getDNSSuffix(options?: CallOptions): Promise<string> {
    return this.run(GetDNSSuffix, [], options);
  }
  getLANInterfaceSettings(which: LanInterface, options?: CallOptions): Promise<LanInterfaceSettings> {
    return this.run(GetLANInterfaceSettings, [which], options);
  }
  enumerateHashHandles(options?: CallOptions): Promise<number[]> {
    return this.run(EnumerateHashHandles, [], options);
  }
  getCertHashEntry(handle: number, options?: CallOptions): Promise<CertHashEntry> {
    return this.run(GetCertHashEntry, [handle], options);
  }

  /** Every trusted root certificate hash: enumerate the handles, then one entry per handle. */
  async getCertificateHashes(options?: CallOptions): Promise<CertHashEntry[]> {
    const entries: CertHashEntry[] = [];
    for (const handle of await this.enumerateHashHandles(options)) entries.push(await this.getCertHashEntry(handle, options));
    return entries;
  }

  close(): Promise<void> {
    return this.exchange.mei.close();
  }
}
