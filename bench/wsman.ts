/**
 * WS-Man engine measures (foundation issue):
 * 1. Get round trip through WsmanClient against the simulator vs a bare keep-alive HTTP POST of the
 *    same request bytes to the same server through node:http (the transport limit). Both sides
 *    authenticate with Digest; the baseline computes its header by hand, with MD5 only.
 * 2. Parsing a response into an Instance vs fast-xml-parser's raw parse of the same bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { startSimulator, DEFAULT_ACCOUNT } from '../server/src/sim';
import { WsmanClient, tcpTransport, buildGet, parseEnvelope, parseInstance, bodyElement, resourceUriFor } from '../server/src/wsman';
import { fmt, ratio, time } from './stats';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** A minimal Digest POST client on node:http with a keep-alive agent: the baseline. */
async function bareClient(port: number) {
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
    const ha1 = md5(`${DEFAULT_ACCOUNT.user}:${realm}:${DEFAULT_ACCOUNT.password}`);
    const response = md5(`${ha1}:${nonce}:${ncs}:${cnonce}:auth:${md5('POST:/wsman')}`);
    return `Digest username="${DEFAULT_ACCOUNT.user}",realm="${realm}",nonce="${nonce}",uri="/wsman",response="${response}",qop="auth",nc="${ncs}",cnonce="${cnonce}"`;
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

export async function wsmanMeasures(): Promise<string[]> {
  const sim = await startSimulator({ port: 0 });
  const client = new WsmanClient({ transport: tcpTransport(sim.host, sim.port), user: DEFAULT_ACCOUNT.user, password: DEFAULT_ACCOUNT.password });
  const bare = await bareClient(sim.port);
  const cls = 'AMT_GeneralSettings';
  const body = buildGet(resourceUriFor(cls));
  const lines: string[] = [];
  try {
    const viaClient = await time(() => client.get(cls), 2000);
    const viaBare = await time(() => bare.send(body), 2000);
    lines.push(`Get ${cls} via WsmanClient: ${fmt(viaClient)}`);
    lines.push(`same bytes via bare keep-alive node:http POST: ${fmt(viaBare)}`);
    lines.push(`round-trip ratio (client / transport limit): ${ratio(viaClient, viaBare)}`);

    const pullXml = (await client.sendRaw(buildGet(resourceUriFor(cls)))).xml;
    const raw = new XMLParser({ ignoreAttributes: false, removeNSPrefix: false });
    const ours = await time(() => parseInstance(bodyElement(parseEnvelope(pullXml))!), 20000);
    const theirs = await time(() => raw.parse(pullXml), 20000);
    lines.push(`parse GetResponse into an Instance: ${fmt(ours)}`);
    lines.push(`fast-xml-parser raw parse of the same ${pullXml.length} bytes: ${fmt(theirs)}`);
    lines.push(`parse ratio (ours / raw): ${ratio(ours, theirs)}`);
  } finally {
    bare.close();
    client.close();
    await sim.close();
  }
  return lines;
}
