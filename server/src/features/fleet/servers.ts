/**
 * The MPS servers the backend knows (Fleet view, `amtwb fleet`): each an address, a user, and — once
 * the user logged in — an MpsClient holding the password and JWT in memory only. Owned by the entry
 * point (main.ts, cli.ts) like the target registry; nothing is written anywhere. The editor keeps
 * the password in SecretStorage and sends it with `connect` when the backend needs it again.
 */
import { AmtError } from '../../errors';
import { MpsClient, parseMpsUrl } from '../../targets/mps';

export interface FleetServerInfo {
  id: string;
  url: string;
  user: string;
  /** Logged in (an MpsClient exists and MPS has not refused its password). */
  connected: boolean;
  /** Last failure, one sentence. */
  error?: string;
}

interface Server {
  info: FleetServerInfo;
  client?: MpsClient;
}

export class FleetServers {
  private readonly servers = new Map<string, Server>();

  constructor(private readonly timeoutMs?: number) {}

  list(): FleetServerInfo[] {
    return [...this.servers.values()].map((s) => ({ ...s.info, connected: !!s.client && !s.client.credentialsRefused }));
  }

  /** Adds (or updates the user of) a server; its id is its normalized URL. */
  add(url: string, user: string): FleetServerInfo {
    const { url: normal } = parseMpsUrl(url);
    if (!user) throw new AmtError('auth.missing', `No MPS user name was given for ${normal}; give the MPS web administrator's user name.`);
    const existing = this.servers.get(normal);
    if (existing && existing.info.user === user) return { ...existing.info };
    const info: FleetServerInfo = { id: normal, url: normal, user, connected: false };
    this.servers.set(normal, { info });
    return { ...info };
  }

  remove(id: string): void {
    if (!this.servers.delete(id)) throw this.unknown(id);
  }

  /** Logs in with `password` (POST /api/v1/authorize); a refused password is not retried. */
  async connect(id: string, password: string, signal?: AbortSignal): Promise<MpsClient> {
    const s = this.server(id);
    const client = new MpsClient({ url: s.info.url, user: s.info.user, password, ...(this.timeoutMs ? { timeoutMs: this.timeoutMs } : {}) });
    try {
      await client.authorize(signal);
    } catch (err) {
      s.info.error = (err as Error).message;
      throw err;
    }
    delete s.info.error;
    s.client = client;
    return client;
  }

  /** The logged-in client, or an error saying to log in. */
  client(id: string): MpsClient {
    const s = this.server(id);
    if (!s.client || s.client.credentialsRefused) {
      throw new AmtError('auth.missing', `Not logged in to the MPS at ${s.info.url}; give its password (AMT: Add MPS Server…, or AMT_MPS_PASSWORD for amtwb).`);
    }
    return s.client;
  }

  private server(id: string): Server {
    const s = this.servers.get(id) ?? this.servers.get(safeNormal(id));
    if (!s) throw this.unknown(id);
    return s;
  }

  private unknown(id: string): AmtError {
    const known = [...this.servers.keys()];
    return new AmtError('fleet.unknown-server', `There is no MPS server "${id}" in the Fleet list; ${known.length ? `use one of ${known.join(', ')}` : 'add it first with AMT: Add MPS Server…'}.`);
  }
}

function safeNormal(id: string): string {
  try {
    return parseMpsUrl(id).url;
  } catch {
    return id;
  }
}
