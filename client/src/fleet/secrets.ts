/** MPS passwords live only in SecretStorage, keyed by server and user; the backend gets one per log-in. */
import type * as vscode from 'vscode';

const key = (serverId: string, user: string) => `amt.mps.password/${serverId}/${user}`;

export class MpsSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}
  get(serverId: string, user: string): Thenable<string | undefined> {
    return this.storage.get(key(serverId, user));
  }
  store(serverId: string, user: string, password: string): Thenable<void> {
    return this.storage.store(key(serverId, user), password);
  }
  forget(serverId: string, user: string): Thenable<void> {
    return this.storage.delete(key(serverId, user));
  }
}
