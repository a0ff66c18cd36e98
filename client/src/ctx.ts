/** State shared by commands and views: the running client and how to reach a device. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RequestType } from 'vscode-languageserver-protocol';
import type { TargetInfo, TargetParams } from '../../server/src/protocol';
import { DeviceSecrets } from './secrets';

export class Ctx {
  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly client: LanguageClient,
    readonly secrets: DeviceSecrets,
    readonly output: vscode.LogOutputChannel,
  ) {}

  /** Sends a request that does not concern one device. */
  send<P, R>(type: RequestType<P, R, void>, params: P): Promise<R> {
    return this.client.sendRequest(type, params);
  }

  /** Sends a device request, attaching the device's credentials from SecretStorage. */
  async sendToDevice<P extends TargetParams, R>(type: RequestType<P, R, void>, target: TargetInfo, params: Omit<P, keyof TargetParams>): Promise<R> {
    const credentials = await this.secrets.credentialsFor(target);
    return this.client.sendRequest(type, { ...params, targetId: target.id, credentials } as P);
  }
}
