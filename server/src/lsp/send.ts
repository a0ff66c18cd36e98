/**
 * Turning a request of a .wsman file into what goes on the wire, and sending it:
 * variables substituted (`{{name}}`, `{{$uuid}}`, `{{$target}}`), omitted headers filled in
 * (To, MessageID, ReplyTo, OperationTimeout, MaxEnvelopeSize — not for Identify), the result
 * pretty-printed; plus the equivalent curl and amtwb command lines. Passwords never appear in
 * either line: curl prompts for it, amtwb reads AMT_PASSWORD.
 */
import { randomUUID } from 'node:crypto';
import { AmtError } from '../errors';
import type { TargetInfo, WsmanRenderResult, WsmanSendResult } from '../protocol';
import type { WsmanClient } from '../wsman/client';
import { faultFromEnvelope } from '../wsman/faults';
import { ANONYMOUS, classNameFromUri, NS } from '../wsman/namespaces';
import { substitute, variablesAt, type WsmanFile } from './document';
import { formatXml } from './formatting';
import { qualify } from './prefixes';
import { isElement } from './request';
import { attr, elementText, parseXmlTree, type XElement } from './xmlTree';

/** What send needs from a WS-Man client (the target registry hands out a `WsmanClient`). */
export type RawSender = Pick<WsmanClient, 'sendRaw'>;

export interface RenderOptions {
  /** Variables from the client; the file's own `@name = value` lines win over them. */
  variables?: Record<string, string>;
  /** The device URL for `{{$target}}`, e.g. `http://127.0.0.1:16992`. */
  targetUrl?: string;
  /** MessageID / `{{$uuid}}` generator (tests pass a fixed one). */
  newUuid?: () => string;
}

export interface RenderedRequest {
  envelope: string;
  /** Header local names that were filled in. */
  filled: string[];
  /** The request's parts the command lines need. */
  action?: string;
  resourceUri?: string;
  selectors: { name: string; value: string }[];
  isIdentify: boolean;
  /** Method inputs as name → text (undefined when one is structured, e.g. an EPR). */
  inputs?: { name: string; value: string }[];
}

const DEFAULT_HEADERS: { local: string; ns: string; content: (a: (local: string) => string, uuid: () => string) => string }[] = [
  { local: 'To', ns: NS.addressing, content: () => '/wsman' },
  { local: 'MessageID', ns: NS.addressing, content: (_a, uuid) => uuid() },
  { local: 'ReplyTo', ns: NS.addressing, content: (a) => `<${a('Address')}>${ANONYMOUS}</${a('Address')}>` },
  { local: 'OperationTimeout', ns: NS.wsman, content: () => 'PT60S' },
  // AMT rejects values below 50000 (spec/wsman-amt.md §1.2).
  { local: 'MaxEnvelopeSize', ns: NS.wsman, content: () => '51200' },
];

export function renderRequest(file: WsmanFile, requestIndex: number, opts: RenderOptions = {}): RenderedRequest {
  const block = file.requests[requestIndex];
  if (!block) {
    throw new AmtError('wsman.no-request', `The file has ${file.requests.length} request(s), so there is no request #${requestIndex + 1}; save the file and try again.`);
  }
  const problem = block.xml.problems.find((p) => p.code !== 'xml.undeclaredPrefix') ?? block.xml.problems[0];
  if (problem) {
    const line = file.text.slice(0, problem.start).split('\n').length;
    throw new AmtError('wsman.malformed', `Request #${requestIndex + 1} is not valid XML at line ${line}: ${problem.message}`);
  }
  const uuid = opts.newUuid ?? (() => `uuid:${randomUUID()}`);
  const vars = new Map<string, string>(Object.entries(opts.variables ?? {}));
  for (const [k, v] of variablesAt(file, block.xmlStart)) vars.set(k, v);
  // One uuid per send, so every {{$uuid}} in the request names the same message.
  vars.set('$uuid', uuid());
  if (opts.targetUrl !== undefined) vars.set('$target', opts.targetUrl.replace(/\/+$/, ''));
  const { text, unresolved } = substitute(file.text.slice(block.xmlStart, block.xmlEnd), vars);
  if (unresolved.length) {
    const name = unresolved[0]!;
    const fix = name === '$target' ? 'pick a device to send to' : `add "@${name} = value" above the request`;
    throw new AmtError('wsman.undefined-variable', `Request #${requestIndex + 1} uses {{${name}}}, which has no value; ${fix}.`);
  }
  return fillHeaders(text, uuid);
}

function fillHeaders(text: string, uuid: () => string): RenderedRequest {
  const xml = parseXmlTree(text);
  const env = xml.roots[0];
  if (xml.problems.length || !isElement(env, 'Envelope', NS.soap)) {
    throw new AmtError('wsman.malformed', `After substituting variables the request is not a SOAP envelope (${xml.problems[0]?.message ?? `root <${env?.name}>`}); check the variable values.`);
  }
  const header = env.children.find((c) => isElement(c, 'Header', NS.soap));
  const body = env.children.find((c) => isElement(c, 'Body', NS.soap));
  const present = new Set(header?.children.map((c) => c.local));
  const bodyFirst = body?.children[0];
  const isIdentify = !present.has('Action') && bodyFirst?.local === 'Identify';
  const result: RenderedRequest = { envelope: '', filled: [], selectors: [], isIdentify };

  const edits: { at: number; end: number; text: string }[] = [];
  if (!isIdentify) {
    const declare = new Map<string, string>();
    const scopeAt = header ?? env;
    const q = (ns: string, local: string) => {
      const r = qualify(scopeAt, ns, local);
      if (r.declare) declare.set(r.declare.prefix, r.declare.ns);
      return r.name;
    };
    let inserted = '';
    for (const h of DEFAULT_HEADERS) {
      if (present.has(h.local)) continue;
      const name = q(h.ns, h.local);
      inserted += `<${name}>${h.content((l) => q(NS.addressing, l), uuid)}</${name}>`;
      result.filled.push(h.local);
    }
    if (inserted) {
      if (!header) {
        const name = q(NS.soap, 'Header');
        edits.push({ at: env.startTagEnd!, end: env.startTagEnd!, text: `<${name}>${inserted}</${name}>` });
      } else if (header.selfClosing) {
        edits.push({ at: header.start, end: header.end, text: `<${header.name}${text.slice(header.nameEnd, header.end - 2)}>${inserted}</${header.name}>` });
      } else {
        // After the headers the author wrote, so the envelope reads in their order first.
        const at = header.endTagStart ?? header.startTagEnd!;
        edits.push({ at, end: at, text: inserted });
      }
    }
    const decl = [...declare].map(([p, ns]) => ` xmlns:${p}="${ns}"`).join('');
    if (decl) {
      const at = text[env.startTagEnd! - 2] === '/' ? env.startTagEnd! - 2 : env.startTagEnd! - 1;
      edits.push({ at, end: at, text: decl });
    }
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  result.envelope = formatXml(out, parseXmlTree(out)) ?? out;

  const action = header?.children.find((c) => c.local === 'Action');
  const uri = header?.children.find((c) => c.local === 'ResourceURI');
  if (action) result.action = elementText(action).trim();
  if (uri) result.resourceUri = elementText(uri).trim();
  for (const s of header?.children.find((c) => c.local === 'SelectorSet')?.children ?? []) {
    const name = attr(s, 'Name')?.value;
    if (name && s.children.length === 0) result.selectors.push({ name, value: decode(elementText(s).trim()) });
  }
  if (bodyFirst?.local.endsWith('_INPUT')) {
    const inputs = bodyFirst.children.map((c: XElement) => ({ name: c.local, value: decode(elementText(c).trim()), structured: c.children.length > 0 }));
    if (!inputs.some((i) => i.structured)) result.inputs = inputs.map(({ name, value }) => ({ name, value }));
  }
  return result;
}

function decode(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#\d+);/g, (_m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e]!;
  });
}

/** POSIX shell single-quoting. */
function sh(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function copyAsCurl(envelope: string, targetUrl: string | undefined, user: string | undefined): string {
  const url = `${(targetUrl ?? 'http://HOST:16992').replace(/\/+$/, '')}/wsman`;
  let marker = 'WSMAN';
  while (envelope.includes(marker)) marker += '_';
  // curl verifies the device certificate; AMT's is often self-signed, so name where its CA goes
  // rather than turning verification off.
  const tls = url.startsWith('https:') ? ' --cacert AMT-CA.pem' : '';
  return (
    `curl --digest --user ${sh(user ?? 'admin')}${tls} -H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary @- ${sh(url)} <<'${marker}'\n` +
    `${envelope}\n${marker}`
  );
}

const STANDARD: Record<string, string> = {
  'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get': 'get',
  'http://schemas.xmlsoap.org/ws/2004/09/transfer/Put': 'put',
  'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate': 'enumerate',
};

/** The amtwb command line for a rendered request, or a note saying why there is none. */
export function copyAsAmtwb(r: RenderedRequest, targetUrl: string | undefined, user: string | undefined): { line?: string; note?: string } {
  const head = ['amtwb', ...(targetUrl ? ['--target', sh(targetUrl.replace(/\/+$/, ''))] : []), ...(user ? ['--user', sh(user)] : [])];
  const selectors = r.selectors.flatMap((s) => ['--selector', sh(`${s.name}=${s.value}`)]);
  const password = 'set AMT_PASSWORD in the environment first (amtwb never takes it from this line)';
  if (r.isIdentify) return { line: [...head, 'identify'].join(' '), note: password };
  if (!r.action || !r.resourceUri) return { note: 'amtwb needs the Action and ResourceURI headers; use the curl line.' };
  const cls = classNameFromUri(r.resourceUri);
  const op = STANDARD[r.action];
  if (op === 'get' || op === 'enumerate') return { line: [...head, op, cls, ...(op === 'get' ? selectors : [])].join(' '), note: password };
  if (op === 'put') return { line: [...head, 'put', cls, '--file', 'instance.xml', ...selectors].join(' '), note: `save the <${cls}> element of the Body as instance.xml; ${password}` };
  if (r.action.startsWith(`${r.resourceUri}/`)) {
    const method = r.action.slice(r.resourceUri.length + 1);
    if (!r.inputs) return { note: `${method} takes a structured argument (a reference or embedded instance) that amtwb --param cannot express; use the curl line.` };
    const params = r.inputs.flatMap((i) => ['--param', sh(`${i.name}=${i.value}`)]);
    return { line: [...head, 'invoke', cls, method, ...params, ...selectors].join(' '), note: password };
  }
  return { note: `amtwb has no command for ${classNameFromUri(r.action)}; use the curl line.` };
}

export function renderForClient(file: WsmanFile, requestIndex: number, target: TargetInfo | undefined, variables?: Record<string, string>): WsmanRenderResult {
  const r = renderRequest(file, requestIndex, { ...(variables ? { variables } : {}), ...(target?.url ? { targetUrl: target.url } : {}) });
  const amtwb = copyAsAmtwb(r, target?.url, target?.user);
  return { envelope: r.envelope, curl: copyAsCurl(r.envelope, target?.url, target?.user), ...(amtwb.line ? { amtwb: amtwb.line } : {}), ...(amtwb.note ? { amtwbNote: amtwb.note } : {}) };
}

/**
 * Sends one request of a file through a connected client and describes the reply. A SOAP fault
 * is a normal result (`fault`), not an error; connection, authentication, timeout and
 * cancellation errors propagate as AmtErrors.
 */
export async function sendWsmanRequest(
  client: RawSender,
  file: WsmanFile,
  params: { requestIndex: number; variables?: Record<string, string> },
  target: TargetInfo,
  signal?: AbortSignal,
): Promise<WsmanSendResult> {
  const r = renderRequest(file, params.requestIndex, { ...(params.variables ? { variables: params.variables } : {}), ...(target.url ? { targetUrl: target.url } : {}) });
  const raw = await client.sendRaw(r.envelope, signal ? { signal } : {});
  const parsed = parseXmlTree(raw.xml);
  const xml = formatXml(raw.xml, parsed) ?? raw.xml;
  const fault = raw.envelope ? faultFromEnvelope(raw.envelope, { httpStatus: raw.status, ...(r.resourceUri ? { resourceUri: r.resourceUri } : {}) }) : undefined;
  return {
    status: raw.status,
    elapsedMs: Math.round(raw.elapsedMs),
    target: target.url ? `${target.label} (${target.url})` : target.label,
    xml,
    ...(fault ? { fault: { subcode: fault.subcode || fault.soapCode, reason: fault.reason, message: fault.message } } : {}),
    request: r.envelope,
  };
}
