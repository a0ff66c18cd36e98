/**
 * Device passwords live only in VS Code SecretStorage, keyed by target id and user. They are sent
 * to the backend with each request (see server/src/protocol.ts) and never written to settings or logs.
 */
import type * as vscode from 'vscode';
import type { Credentials, TargetInfo } from '../../server/src/protocol';

const key = (target: TargetInfo) => `amt.password/${target.id}/${target.user ?? ''}`;

export class DeviceSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  /** Remote devices only: the simulator's account is known to the backend. */
  async credentialsFor(target: TargetInfo): Promise<Credentials | undefined> {
    if ((target.kind !== 'remote' && target.kind !== 'mps') || !target.user) return undefined;
    const password = await this.storage.get(key(target));
    return password === undefined ? undefined : { user: target.user, password };
  }

  store(target: TargetInfo, password: string): Thenable<void> {
    return this.storage.store(key(target), password);
  }

  forget(target: TargetInfo): Thenable<void> {
    return this.storage.delete(key(target));
  }
}
