/**
 * WS-Man engine measures, every ratio interleaved (stats.ts `compare`: A and B alternate every
 * iteration, median of per-round ratios with their spread). The simulator runs in a child process
 * so that CPU figures are the client's alone.
 * 1. Get round trip: WsmanClient vs a bare keep-alive node:http POST with hand-computed Digest.
 * 2. Client CPU per Get: WsmanClient vs MeshCentral's AMT stack (npm `meshcentral`, its amt/ folder,
 *    fetched into .cache/ for the bench only).
 * 3. Full scan of every served class: WsmanClient (the pool's connections) vs MeshCentral BatchEnum.
 * 4. Bulk Pull MB/s: WsmanClient vs the raw HTTP+Digest layer with no XML work.
 * 5. 1,000 concurrent Gets to a device answering in 50 ms: lost and spurious-timeout counts.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DEFAULT_ACCOUNT } from '../server/src/sim';
import { allClasses } from '../server/src/sim/classes/registry';
import { DigestAuth, HttpConnection, QueueTimeoutError, TimeoutError, WsmanClient, buildEnumerate, buildGet, buildPull, pickDigestChallenge, resourceUriFor, tcpTransport } from '../server/src/wsman';
import { amtEnvelope, startFakeDevice } from '../test/unit/wsman/fakeDevice';
import { compare, fmtRatio, goal, type Comparison } from './stats';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const ROOT = join(__dirname, '..');
const { user, password } = DEFAULT_ACCOUNT;

/** The simulator in its own process: its CPU is not the client's. */
async function childSimulator(extra = 0): Promise<{ port: number; stop: () => void }> {
  const code = `import('./server/src/sim/index.ts').then((m) => (m.startSimulator ?? m.default.startSimulator)({ port: 0, extraSoftwareIdentities: ${extra} })).then((s) => console.log('PORT ' + s.port))`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (c) => reject(new Error(`simulator exited (${c})`)));
  });
  return { port, stop: () => child.kill() };
}

/** A minimal Digest POST client on node:http with a keep-alive agent: the transport baseline. */
function bareClient(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: string, authorization?: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/wsman', agent, headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(body), ...(authorization ? { Authorization: authorization } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let realm = '';
  let nonce = '';
  let nc = 0;
  const authorize = () => {
    nc++;
    const cnonce = randomBytes(8).toString('hex');
    const ncs = nc.toString(16).padStart(8, '0');
    const response = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:${ncs}:${cnonce}:auth:${md5('POST:/wsman')}`);
    return `Digest username="${user}",realm="${realm}",nonce="${nonce}",uri="/wsman",response="${response}",qop="auth",nc="${ncs}",cnonce="${cnonce}"`;
  };
  return {
    async send(body: string) {
      if (!nonce) {
        const challenge = (await post(body)).headers['www-authenticate'] ?? '';
        realm = /realm="([^"]+)"/.exec(challenge)?.[1] ?? '';
        nonce = /nonce="([^"]+)"/.exec(challenge)?.[1] ?? '';
      }
      const res = await post(body, authorize());
      if (res.status !== 200) throw new Error(`baseline POST got HTTP ${res.status}`);
      return res.body;
    },
    close: () => agent.destroy(),
  };
}

/** The raw HTTP layer with Digest and no XML work: sends envelopes, returns bodies. */
function rawLayer(port: number) {
  const conn = new HttpConnection(tcpTransport('127.0.0.1', port), `127.0.0.1:${port}`);
  const auth = new DigestAuth(user, password);
  return {
    async send(xml: string): Promise<Buffer> {
      const body = Buffer.from(xml, 'utf8');
      for (let i = 0; i < 3; i++) {
        const a = auth.authorize('POST', '/wsman', body);
        const res = await conn.request({ method: 'POST', path: '/wsman', headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', ...(a ? { Authorization: a.header } : {}) }, body }, { operation: 'Get' });
        if (res.status !== 401) return res.body;
        auth.accept(pickDigestChallenge(res.headers['www-authenticate'])!);
      }
      throw new Error('raw layer: authentication failed');
    },
    close: () => conn.close(),
  };
}

interface MeshStack {
  Get(name: string, cb: (stack: unknown, name: string, response: unknown, status: number) => void): void;
  BatchEnum(batch: string, names: string[], cb: (stack: unknown, name: string, responses: Record<string, { status: number }>, status: number) => void, tag?: unknown, continueOnError?: boolean): void;
}

/** MeshCentral's AMT stack from the npm package, fetched into .cache/ (never a project dependency). */
function meshCentral(port: number): MeshStack | string {
  const dir = join(ROOT, '.cache', 'meshcentral');
  const amt = join(dir, 'package', 'amt');
  try {
    if (!existsSync(join(amt, 'amt.js'))) {
      mkdirSync(dir, { recursive: true });
      const tgz = execFileSync('npm', ['pack', 'meshcentral', '--silent'], { cwd: dir, encoding: 'utf8', timeout: 300_000 }).trim().split('\n').pop()!;
      execFileSync('tar', ['xzf', tgz, 'package/amt'], { cwd: dir });
    }
    const req = createRequire(join(amt, 'amt.js'));
    const comm = req('./amt-wsman-comm.js')('127.0.0.1', port, user, password, 0, null, null);
    const ws = req('./amt-wsman.js')(comm);
    return req('./amt.js')(ws) as MeshStack;
  } catch (err) {
    return `MeshCentral's AMT stack could not be loaded (${(err as Error).message.split('\n')[0]})`;
  }
}

const meshGet = (stack: MeshStack, cls: string) =>
  new Promise<void>((resolve, reject) => stack.Get(cls, (_s, _n, _r, status) => (status === 200 ? resolve() : reject(new Error(`MeshCentral Get: ${status}`)))));

/** CPU time (user+system) per call of A and B, alternating batches, median over rounds. */
async function cpuCompare(a: () => Promise<unknown>, b: () => Promise<unknown>, batch: number, rounds: number): Promise<{ a: number; b: number; c: Comparison }> {
  const per = async (f: () => Promise<unknown>) => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < batch; i++) await f();
    const d = process.cpuUsage(t0);
    return (d.user + d.system) / batch;
  };
  const ra: number[] = [];
  const rb: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // The order flips every round so neither side always runs second.
    let x: number;
    let y: number;
    if (r % 2 === 0) {
      x = await per(a);
      y = await per(b);
    } else {
      y = await per(b);
      x = await per(a);
    }
    ra.push(x);
    rb.push(y);
    ratios.push(x / y);
  }
  const med = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)]!;
  const sorted = [...ratios].sort((p, q) => p - q);
  const s = { median: 0, p90: 0, n: 0 };
  return { a: med(ra), b: med(rb), c: { a: s, b: s, ratio: med(ratios), spread: [sorted[0]!, sorted[sorted.length - 1]!], rounds } };
}

async function concurrent(): Promise<string> {
  const AMT = 'http://intel.com/wbem/wscim/1/amt-schema/1/';
  const body = amtEnvelope('http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse', `${AMT}AMT_GeneralSettings`, `<g:AMT_GeneralSettings><g:HostName>x</g:HostName></g:AMT_GeneralSettings>`, `xmlns:g="${AMT}AMT_GeneralSettings"`);
  const device = await startFakeDevice({ handler: () => ({ body, delayMs: 50 }) });
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', device.port), user: 'admin', password: 'P@ssw0rd', timeoutMs: 10_000 });
  try {
    const out = await Promise.allSettled(Array.from({ length: 1000 }, () => client.get('AMT_GeneralSettings')));
    const failed = out.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    const spurious = failed.filter((o) => o.reason instanceof TimeoutError || o.reason instanceof QueueTimeoutError).length;
    return goal('1,000 concurrent Gets, device answering in 50 ms, 10 s timeout', `${failed.length} lost, ${spurious} spurious timeouts, ${device.maxOpenConnections} connections at most`, '0 lost, 0 spurious timeouts', failed.length === 0 && spurious === 0);
  } finally {
    client.close();
    await device.close();
  }
}

export async function wsmanMeasures(): Promise<string[]> {
  const lines: string[] = [];
  const sim = await childSimulator(4000);
  const client = new WsmanClient({ transport: tcpTransport('127.0.0.1', sim.port), user, password });
  const bare = bareClient(sim.port);
  const raw = rawLayer(sim.port);
  const cls = 'AMT_GeneralSettings';
  const getXml = buildGet(resourceUriFor(cls));
  try {
    const rt = await compare(() => client.get(cls), () => bare.send(getXml), { iterations: 300, rounds: 5 });
    lines.push(goal('Get round trip, WsmanClient / bare keep-alive POST', fmtRatio(rt), '≤ 1.2×', rt.ratio <= 1.2));

    const mesh = meshCentral(sim.port);
    const classes = allClasses().filter((d) => d.initial !== undefined).map((d) => d.name);
    if (typeof mesh === 'string') {
      lines.push(`${mesh}; the MeshCentral comparisons are skipped.`);
    } else {
      await meshGet(mesh, cls);
      const cpu = await cpuCompare(() => client.get(cls), () => meshGet(mesh, cls), 200, 7);
      lines.push(goal('client CPU per Get, WsmanClient / MeshCentral AMT stack', `${fmtRatio(cpu.c)} (${cpu.a.toFixed(0)} vs ${cpu.b.toFixed(0)} µs)`, '≤ 1×', cpu.c.ratio <= 1));
      const batch = () =>
        new Promise<void>((resolve) => mesh.BatchEnum('scan', classes, () => resolve(), undefined, true));
      const ours = () => Promise.all(classes.map((c) => client.enumerateAll(c).catch(() => undefined)));
      const scan = await compare(ours, batch, { iterations: 3, rounds: 3, warmup: 1 });
      lines.push(goal(`full scan of ${classes.length} served classes, WsmanClient (pool) / MeshCentral BatchEnum`, fmtRatio(scan), '≤ 0.5×', scan.ratio <= 0.5));
    }

    const BULK = 'CIM_SoftwareIdentity';
    let bytes = 0;
    const ctxOf = (xml: string) => /EnumerationContext>([^<]+)</.exec(xml)?.[1] ?? '';
    const rawBulk = async () => {
      const ctx = ctxOf((await raw.send(buildEnumerate(resourceUriFor(BULK)))).toString('utf8'));
      bytes = (await raw.send(buildPull(resourceUriFor(BULK), ctx, { maxElements: 100_000 }))).length;
    };
    const ourBulk = async () => {
      const { context } = await client.enumerate(BULK);
      await client.pull(BULK, context!, { maxElements: 100_000 });
    };
    await rawBulk();
    const bulk = await compare(ourBulk, rawBulk, { iterations: 10, rounds: 3, warmup: 2 });
    const share = 1 / bulk.ratio;
    const mbps = (ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(1);
    lines.push(goal(`bulk Pull of ${(bytes / 1e6).toFixed(2)} MB, WsmanClient MB/s as a share of the raw HTTP layer`, `${(share * 100).toFixed(0)}% (${mbps(bulk.a.median)} vs ${mbps(bulk.b.median)} MB/s; time ratio ${fmtRatio(bulk)})`, '≥ 70%', share >= 0.7));
  } finally {
    client.close();
    bare.close();
    raw.close();
    sim.stop();
  }
  lines.push(await concurrent());
  return lines;
}
