/**
 * The remote devices a user added, kept in the extension's global state (address, user, trusted
 * certificate; never the password) so they survive a restart of the backend or of VS Code. The
 * backend's own list lives only as long as its process.
 */
import type * as vscode from 'vscode';
import { Requests, type AddTargetParams, type TargetInfo } from '../../server/src/protocol';
import { errorCode, errorMessage, type Request } from './model/request';

const KEY = 'amt.devices';

interface Stored {
  id: string;
  params: AddTargetParams;
}

export class DeviceStore {
  constructor(private readonly state: vscode.Memento) {}

  private all(): Stored[] {
    return this.state.get<Stored[]>(KEY, []);
  }

  async remember(target: TargetInfo, params: AddTargetParams): Promise<void> {
    await this.state.update(KEY, [...this.all().filter((s) => s.id !== target.id), { id: target.id, params }]);
  }

  async forget(targetId: string): Promise<void> {
    await this.state.update(KEY, this.all().filter((s) => s.id !== targetId));
  }

  /** Adds every remembered device to a (re)started backend; returns one sentence per device that failed. */
  async restore(request: Request): Promise<string[]> {
    const problems: string[] = [];
    for (const s of this.all()) {
      try {
        await request(Requests.addTarget, s.params);
      } catch (err) {
        if (errorCode(err) !== 'target.exists') problems.push(`${s.params.label ?? s.params.url}: ${errorMessage(err)}`);
      }
    }
    return problems;
  }
}
