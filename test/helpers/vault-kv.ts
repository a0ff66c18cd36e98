/**
 * A loopback stand-in for the part of HashiCorp Vault's HTTP API that Intel's MPS uses: the KV v2
 * secrets engine mounted at `secret/` (GET/POST `/v1/secret/data/<path>`, DELETE
 * `/v1/secret/metadata/<path>`) and `GET /v1/sys/health`. There is no Vault server in Debian or on
 * npm (only clients such as node-vault), and MPS has no other secret store, so the test tier serves
 * these few routes itself. Every request must carry the configured `X-Vault-Token`, as Vault's does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface VaultStandIn {
  readonly address: string;
  readonly token: string;
  /** Writes `devices/<guid>` etc. as Vault would hold it (the `data` object of a KV v2 entry). */
  put(path: string, data: Record<string, unknown>): void;
  get(path: string): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

export async function startVaultStandIn(token: string): Promise<VaultStandIn> {
  const store = new Map<string, { data: Record<string, unknown>; version: number }>();
  const server = http.createServer((req, res) => {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://vault');
    if (url.pathname === '/v1/sys/health') {
      return send(200, { initialized: true, sealed: false, standby: false, version: 'stand-in' });
    }
    if (req.headers['x-vault-token'] !== token) return send(403, { errors: ['permission denied'] });
    const data = /^\/v1\/secret\/data\/(.+)$/.exec(url.pathname);
    const meta = /^\/v1\/secret\/metadata\/(.+)$/.exec(url.pathname);
    if (data && req.method === 'GET') {
      const entry = store.get(data[1]);
      if (!entry) return send(404, { errors: [] });
      return send(200, { data: { data: entry.data, metadata: { version: entry.version, destroyed: false } } });
    }
    if (data && (req.method === 'POST' || req.method === 'PUT')) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body: { data?: Record<string, unknown> };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return send(400, { errors: ['failed to parse JSON input'] });
        }
        const version = (store.get(data[1])?.version ?? 0) + 1;
        store.set(data[1], { data: body.data ?? {}, version });
        send(200, { data: { version } });
      });
      return;
    }
    if (meta && req.method === 'DELETE') {
      store.delete(meta[1]);
      return send(204);
    }
    send(404, { errors: [] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    token,
    put: (path, data) => store.set(path, { data, version: (store.get(path)?.version ?? 0) + 1 }),
    get: (path) => store.get(path)?.data,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
