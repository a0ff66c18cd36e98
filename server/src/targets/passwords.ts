/**
 * What the registry remembers about passwords, per target: the client built for each user (with a
 * hash of the password it holds), and the password each user's device refused. A refused password
 * is kept only as a salted hash, never as text and never logged; while it is the one given, the
 * registry does not send it again (each try counts towards AMT's lock-out after repeated
 * failures), until the user gives another.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { WsmanClient } from '../wsman/client';

export interface CachedClient {
  secret: string;
  timeout: number | undefined;
  client: WsmanClient;
}

export class Passwords {
  /** A per-registry salt, so the hashes say nothing outside this process. */
  private readonly salt = randomBytes(16);
  readonly clients = new Map<string, CachedClient>();
  private readonly refused = new Map<string, string>();

  secret(user: string, password: string): string {
    return createHash('sha256').update(this.salt).update(`${user}\0${password}`).digest('hex');
  }

  /** Whether the device refused exactly this password for this user. */
  isRefused(user: string, secret: string): boolean {
    return this.refused.get(user) === secret;
  }

  /** The device refused the client's password: forget the client, remember the password as refused. */
  refuse(user: string, client: WsmanClient): void {
    const cached = this.clients.get(user);
    if (cached?.client !== client) return;
    this.clients.delete(user);
    this.refused.set(user, cached.secret);
    void Promise.resolve(client.close()).catch(() => undefined);
  }

  /** The device accepted this user's password (a refused one is forgotten only when another is given). */
  accepted(user: string): void {
    this.refused.delete(user);
  }

  /** The cached client for user and password, else undefined (a stale one is closed). */
  take(user: string, secret: string, timeout: number | undefined): WsmanClient | undefined {
    const cached = this.clients.get(user);
    if (cached && cached.secret === secret && cached.timeout === timeout) return cached.client;
    if (cached) {
      this.clients.delete(user);
      void Promise.resolve(cached.client.close()).catch(() => undefined);
    }
    return undefined;
  }

  async closeAll(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((c) => Promise.resolve(c.client.close()).catch(() => undefined)));
  }
}
