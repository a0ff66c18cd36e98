/** The MPS servers the user added (address and user only, in globalState); passwords are in MpsSecrets. */
import type * as vscode from 'vscode';

export interface SavedServer {
  url: string;
  user: string;
}

const KEY = 'amt.fleet.servers';

export class SavedServers {
  constructor(private readonly state: vscode.Memento) {}
  list(): SavedServer[] {
    return this.state.get<SavedServer[]>(KEY, []);
  }
  async add(s: SavedServer): Promise<void> {
    await this.state.update(KEY, [...this.list().filter((x) => x.url !== s.url), s]);
  }
  async remove(url: string): Promise<void> {
    await this.state.update(KEY, this.list().filter((x) => x.url !== url));
  }
}
