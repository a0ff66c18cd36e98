/**
 * A client of Intel's Management Presence Server (device-management-toolkit/mps), the server AMT
 * devices keep CIRA tunnels to (fleet.md §4): its REST API (`/api/v1`, a JWT from
 * `POST /api/v1/authorize`) and its websocket relay (`/relay/webrelay.ashx`), which opens an APF
 * channel to a device port and carries raw bytes — WS-Man to 16992, redirection to 16994.
 *
 * Credentials: the MPS user and password live only in this object (given per call by the editor
 * from SecretStorage, or by the CLI from the environment); a password MPS refused is not sent again
 * by this client. The JWT stays in memory. Every failure is one AmtError sentence naming the MPS URL.
 *
 * Node's fetch (undici) does the HTTP and `ws` the websocket, both already dependencies.
 */
import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import { AmtError } from '../errors';
import { CancelledError, ConnectionError } from '../wsman/errors';
import type { Transport } from '../wsman/transport';

export const MPS_DEFAULT_PORT = 3000;

/** `mps://HOST[:PORT][/GUID]` (also http(s)://…): the MPS web address and an optional device GUID. */
export function parseMpsUrl(text: string): { url: string; host: string; port: number; tls: boolean; guid?: string } {
  const trimmed = text.trim();
  let u: URL;
  try {
    u = new URL(trimmed);
  } catch {
    throw new AmtError('mps.invalid', `"${text}" is not an MPS address; write it as mps://HOST:3000 (or mps://HOST:3000/GUID for one device).`);
  }
  if (u.username || u.password) throw new AmtError('mps.invalid', `Put the MPS user name and password in their own fields, not in the address "${u.protocol}//${u.host}".`);
  if (!['mps:', 'http:', 'https:'].includes(u.protocol)) {
    throw new AmtError('mps.invalid', `"${text}" uses ${u.protocol.replace(':', '')}; write the MPS address as mps://HOST:3000 or http://HOST:3000.`);
  }
  if (!u.hostname) throw new AmtError('mps.invalid', `"${text}" names no host; write it as mps://HOST:3000.`);
  const tls = u.protocol === 'https:';
  const port = u.port ? Number(u.port) : u.protocol === 'mps:' ? MPS_DEFAULT_PORT : tls ? 443 : 80;
  const path = u.pathname.replace(/^\/+|\/+$/g, '');
  let guid: string | undefined;
  if (path) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(path)) {
      throw new AmtError('mps.invalid', `"${path}" in ${text} is not a device GUID; write mps://HOST:PORT/GUID with the GUID MPS lists for the device.`);
    }
    guid = path.toLowerCase();
  }
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `${tls ? 'https' : 'http'}://${shown}:${port}`, host, port, tls, ...(guid ? { guid } : {}) };
}

/** One device as MPS lists it (GET /api/v1/devices). */
export interface MpsDevice {
  guid: string;
  hostname: string;
  friendlyName: string | null;
  tags: string[];
  connectionStatus: boolean;
  mpsInstance: string | null;
  mpsusername: string;
  lastConnected?: string | null;
  lastSeen?: string | null;
  lastDisconnected?: string | null;
  deviceInfo?: { fwVersion?: string; fwBuild?: string; fwSku?: string; currentMode?: string; ipAddress?: string } | null;
}

export interface MpsDeviceQuery {
  top?: number;
  skip?: number;
  /** Devices with any of these tags (MPS `tags=a,b&method=OR`). */
  tags?: string[];
  /** true = connected only, false = disconnected only. */
  connected?: boolean;
  hostname?: string;
}

export interface MpsClientOptions {
  /** `mps://HOST:PORT` or `http://HOST:PORT`. */
  url: string;
  user: string;
  password: string;
  /** Per request (ms); default 15000. */
  timeoutMs?: number;
}

export class MpsClient {
  readonly url: string;
  readonly user: string;
  private readonly password: string;
  private readonly timeoutMs: number;
  private token?: Promise<string>;
  private refused = false;
  /** Redirection tokens per device, with their expiry. */
  private readonly relayTokens = new Map<string, { token: string; until: number }>();

  constructor(o: MpsClientOptions) {
    this.url = parseMpsUrl(o.url).url;
    if (!o.user) throw new AmtError('auth.missing', `No MPS user name was given for ${this.url}; give the MPS web administrator's user name.`);
    if (!o.password) throw new AmtError('auth.missing', `No MPS password was given for ${this.url}; enter the MPS web administrator's password.`);
    this.user = o.user;
    this.password = o.password;
    this.timeoutMs = o.timeoutMs ?? 15_000;
  }

  /** True once MPS refused this user and password (they are not sent again). */
  get credentialsRefused(): boolean {
    return this.refused;
  }

  /** Logs in (POST /api/v1/authorize) unless a token is at hand. */
  async authorize(signal?: AbortSignal): Promise<string> {
    if (this.refused) throw this.refusedError();
    this.token ??= (async () => {
      const body = await this.call('POST', '/api/v1/authorize', { username: this.user, password: this.password }, signal, false);
      const token = (body as { token?: unknown })?.token;
      if (typeof token !== 'string' || token.split('.').length !== 3) throw this.garbage('/api/v1/authorize', 'no token in the answer');
      return token;
    })();
    try {
      return await this.token;
    } catch (err) {
      this.token = undefined;
      throw err;
    }
  }

  async devices(q: MpsDeviceQuery = {}, signal?: AbortSignal): Promise<{ devices: MpsDevice[]; total: number }> {
    const params = new URLSearchParams({ $count: 'true' });
    if (q.top !== undefined) params.set('$top', String(q.top));
    if (q.skip !== undefined) params.set('$skip', String(q.skip));
    if (q.tags?.length) {
      params.set('tags', q.tags.join(','));
      params.set('method', 'OR');
    }
    if (q.connected !== undefined) params.set('status', q.connected ? '1' : '0');
    if (q.hostname) params.set('hostname', q.hostname);
    const path = `/api/v1/devices?${params}`;
    const body = (await this.call('GET', path, undefined, signal)) as { data?: unknown; totalCount?: unknown };
    if (!body || !Array.isArray(body.data) || typeof body.totalCount !== 'number') throw this.garbage('/api/v1/devices', 'no device list in the answer');
    return { devices: body.data.map((d) => this.deviceShape(d, '/api/v1/devices')), total: body.totalCount };
  }

  async device(guid: string, signal?: AbortSignal): Promise<MpsDevice> {
    return this.deviceShape(await this.call('GET', `/api/v1/devices/${guid}`, undefined, signal, true, { guid }), '/api/v1/devices/{guid}');
  }

  async stats(signal?: AbortSignal): Promise<{ totalCount: number; connectedCount: number; disconnectedCount: number }> {
    const body = (await this.call('GET', '/api/v1/devices/stats', undefined, signal)) as Record<string, unknown>;
    if (typeof body?.totalCount !== 'number' || typeof body.connectedCount !== 'number') throw this.garbage('/api/v1/devices/stats', 'no counts in the answer');
    return body as { totalCount: number; connectedCount: number; disconnectedCount: number };
  }

  async tags(signal?: AbortSignal): Promise<string[]> {
    const body = await this.call('GET', '/api/v1/devices/tags', undefined, signal);
    if (!Array.isArray(body)) throw this.garbage('/api/v1/devices/tags', 'no tag list in the answer');
    return body.map(String);
  }

  /** CIM PowerState (2 on, 4 sleep, 7 hibernate, 8 off, …) as MPS reads it from the device. */
  async powerState(guid: string, signal?: AbortSignal): Promise<number> {
    const body = (await this.call('GET', `/api/v1/amt/power/state/${guid}`, undefined, signal, true, { guid })) as { powerstate?: unknown };
    if (typeof body?.powerstate !== 'number') throw this.garbage('/api/v1/amt/power/state', 'no powerstate in the answer');
    return body.powerstate;
  }

  /** POST /api/v1/amt/power/action: `action` is a CIM power change (2 on, 5 cycle, 8 off, 10 reset, …); sent once, never retried. */
  async powerAction(guid: string, action: number, signal?: AbortSignal): Promise<{ returnValue: number; text?: string }> {
    type Output = { ReturnValue?: unknown; ReturnValueStr?: unknown };
    const body = (await this.call('POST', `/api/v1/amt/power/action/${guid}`, { action, useSOL: false }, signal, true, { guid })) as {
      Body?: Output & { RequestPowerStateChange_OUTPUT?: Output };
    };
    // MPS flattens the method output into Body, except when it refused the action itself.
    const out = body?.Body?.RequestPowerStateChange_OUTPUT ?? body?.Body;
    const rv = out?.ReturnValue;
    if (typeof rv !== 'number') throw this.garbage('/api/v1/amt/power/action', 'no ReturnValue in the answer');
    return { returnValue: rv, ...(typeof out?.ReturnValueStr === 'string' ? { text: out.ReturnValueStr } : {}) };
  }

  /** A websocket through MPS to the device's `port`, as a byte stream (one APF channel on the tunnel). */
  async relay(guid: string, port: number, opts: { mode?: 'sol' | 'ider' | 'kvm'; signal?: AbortSignal } = {}): Promise<Duplex> {
    const token = await this.relayToken(guid, opts.signal);
    const ws = new URL(`${this.url.replace(/^http/, 'ws')}/relay/webrelay.ashx`);
    // p=2: MPS's redirection interceptor logs on with the device password it holds; p=1 relays bytes untouched.
    ws.search = new URLSearchParams({ p: opts.mode ? '2' : '1', host: guid, port: String(port), tls: '0', tls1only: '0', ...(opts.mode ? { mode: opts.mode } : {}) }).toString();
    return new Promise<Duplex>((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new CancelledError());
      const socket = new WebSocket(ws, [token], { handshakeTimeout: this.timeoutMs });
      const onAbort = () => {
        socket.terminate();
        reject(new CancelledError());
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('unexpected-response', (_req, res) => {
        opts.signal?.removeEventListener('abort', onAbort);
        res.resume();
        socket.terminate();
        if (res.statusCode === 401) this.relayTokens.delete(guid);
        reject(new AmtError('mps.relay', res.statusCode === 401
          ? `The MPS at ${this.url} refused a relay to device ${guid} (HTTP 401): the device is not connected, its ${opts.mode ?? 'WS-Man'} session is already in use, or the token was not accepted; check the device's connection status and retry.`
          : `The MPS at ${this.url} answered the relay to device ${guid} with HTTP ${res.statusCode}; check that the address points at an MPS.`));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        opts.signal?.removeEventListener('abort', onAbort);
        reject(this.unreachable(err, true));
      });
      socket.once('open', () => {
        opts.signal?.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        const stream = createWebSocketStream(socket);
        // A stream error (the tunnel or MPS went away) ends the stream; the reader sees the close.
        stream.on('error', () => undefined);
        resolve(stream);
      });
    });
  }

  /** A WS-Man transport to the device through the relay (raw bytes to `port`, default 16992). */
  relayTransport(guid: string, port = 16992): Transport {
    return {
      describe: () => `${guid} via the MPS at ${this.url}`,
      open: (signal) => this.relay(guid, port, signal ? { signal } : {}),
    };
  }

  private async relayToken(guid: string, signal?: AbortSignal): Promise<string> {
    const cached = this.relayTokens.get(guid);
    if (cached && cached.until > Date.now()) return cached.token;
    const body = (await this.call('GET', `/api/v1/authorize/redirection/${guid}`, undefined, signal, true, { guid })) as { token?: unknown };
    if (typeof body?.token !== 'string') throw this.garbage('/api/v1/authorize/redirection', 'no token in the answer');
    // MPS issues these for 5 minutes by default; renew well before.
    this.relayTokens.set(guid, { token: body.token, until: Date.now() + 60_000 });
    return body.token;
  }

  /** One REST call; JSON in and out. */
  private async call(method: string, path: string, body: unknown, signal?: AbortSignal, auth = true, ctx: { guid?: string } = {}): Promise<unknown> {
    try {
      return await this.callOnce(method, path, body, signal, auth, ctx);
    } catch (err) {
      // MPS (Express) closes idle keep-alive connections after 5 s; a GET that met one closing is
      // asked again once. A POST is never sent twice.
      if (method !== 'GET' || !(err instanceof ConnectionError) || !/other side closed|ECONNRESET/.test(String((err.cause as Error | undefined)?.message ?? err.message))) throw err;
      return this.callOnce(method, path, body, signal, auth, ctx);
    }
  }

  private async callOnce(method: string, path: string, body: unknown, signal: AbortSignal | undefined, auth: boolean, ctx: { guid?: string }): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth) headers.authorization = `Bearer ${await this.authorize(signal)}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw new CancelledError();
      if (timeout.aborted && ctx.guid) {
        throw new AmtError('timeout', `The MPS at ${this.url} did not answer for device ${ctx.guid} within ${this.timeoutMs / 1000} s; its CIRA tunnel may have dropped, so check the device's connection status and retry.`, { cause: err });
      }
      if (timeout.aborted) {
        throw new AmtError('timeout', `The MPS at ${this.url} did not answer ${method} ${path.split('?')[0]} within ${this.timeoutMs / 1000} s; check that it is running and not overloaded.`, { cause: err });
      }
      throw this.unreachable(((err as { cause?: NodeJS.ErrnoException }).cause ?? err) as NodeJS.ErrnoException, method === 'GET');
    }
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
      if (res.ok) throw this.garbage(path.split('?')[0], `the answer is not JSON: "${text.slice(0, 40).replace(/\s+/g, ' ')}"`);
    }
    if (res.ok) return json;
    const described = (json as { errorDescription?: unknown; message?: unknown; error?: unknown } | undefined);
    const detail = String(described?.errorDescription ?? described?.message ?? described?.error ?? `HTTP ${res.status}`).replace(/\.$/, '');
    if (path === '/api/v1/authorize' && (res.status === 401 || res.status === 403)) {
      this.refused = true;
      throw this.refusedError();
    }
    if (res.status === 401 || res.status === 403) {
      this.token = undefined;
      throw new AmtError('mps.auth', `The MPS at ${this.url} refused the request ${path.split('?')[0]} (HTTP ${res.status}: ${detail}); log in to the MPS again.`);
    }
    if (res.status === 404 && ctx.guid) {
      const connected = path.startsWith('/api/v1/amt/') || path.startsWith('/api/v1/authorize/redirection');
      throw new AmtError(connected ? 'mps.not-connected' : 'mps.not-found', connected
        ? `Device ${ctx.guid} is not connected to the MPS at ${this.url} (${detail}); wait for its CIRA tunnel, or check its MPS settings.`
        : `The MPS at ${this.url} has no device ${ctx.guid}; check the GUID in the Fleet view or with amtwb fleet list.`);
    }
    if (res.status === 405 && path === '/api/v1/authorize') {
      throw new AmtError('mps.refused', `The MPS at ${this.url} has web log-in turned off (HTTP 405); it is meant to sit behind a gateway, so give the gateway's address instead.`);
    }
    throw new AmtError('mps.refused', `The MPS at ${this.url} answered ${method} ${path.split('?')[0]} with HTTP ${res.status} (${detail}); see the MPS log for the cause.`);
  }

  private deviceShape(d: unknown, where: string): MpsDevice {
    const o = d as Record<string, unknown>;
    if (!o || typeof o.guid !== 'string' || typeof o.connectionStatus !== 'boolean') throw this.garbage(where, 'a device without guid or connectionStatus');
    return {
      guid: o.guid,
      hostname: typeof o.hostname === 'string' ? o.hostname : '',
      friendlyName: typeof o.friendlyName === 'string' ? o.friendlyName : null,
      tags: Array.isArray(o.tags) ? o.tags.map(String) : [],
      connectionStatus: o.connectionStatus,
      mpsInstance: typeof o.mpsInstance === 'string' ? o.mpsInstance : null,
      mpsusername: typeof o.mpsusername === 'string' ? o.mpsusername : '',
      lastConnected: (o.lastConnected as string | null | undefined) ?? null,
      lastSeen: (o.lastSeen as string | null | undefined) ?? null,
      lastDisconnected: (o.lastDisconnected as string | null | undefined) ?? null,
      deviceInfo: (o.deviceInfo as MpsDevice['deviceInfo']) ?? null,
    };
  }

  private refusedError(): AmtError {
    return new AmtError('mps.auth', `The MPS at ${this.url} refused the user "${this.user}" and its password, so they are not sent again; enter the MPS administrator's user name and password again.`);
  }

  private garbage(path: string, why: string): AmtError {
    return new AmtError('mps.garbage', `The MPS at ${this.url} answered ${path} with something MPS does not send (${why}); check that the address points at an Intel MPS.`);
  }

  private unreachable(err: NodeJS.ErrnoException, notSent: boolean): AmtError {
    const code = err?.code ?? err?.message ?? 'no detail';
    return new ConnectionError(`The MPS at ${this.url} could not be reached (${code}); check that it is running and that the address is right.`, this.url, { cause: err, notSent });
  }
}
