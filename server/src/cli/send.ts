/**
 * `amtwb send FILE.wsman [--request N|TITLE ...] [--var NAME=VALUE ...] [--json]`: the requests of a
 * .wsman file, sent as the editor's "Send" sends them (lsp/document.ts parses the file, lsp/send.ts
 * substitutes variables, fills omitted headers and sends), so a collection written in the editor
 * runs in CI. Without --request every request runs, in file order.
 *
 * For each request: a `###` line naming it, the HTTP status, time and device, then the formatted
 * reply (and, for a SOAP fault, its subcode, the device's reason and what it means). One request
 * failing does not stop the others; the exit status is 1 when any request failed or faulted.
 * `--var` values are defaults: the file's own `@name = value` lines win, as in the editor.
 */
import { STATUS_CODES } from 'node:http';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AmtError, describeError } from '../errors';
import { usageError, parseArgsError } from './usage';
import type { TargetInfo, WsmanSendResult } from '../protocol';
import { parseWsmanFile, type RequestBlock, type WsmanFile } from '../lsp/document';
import { sendWsmanRequest } from '../lsp/send';
import type { CliIo } from './feature-commands';

export const SEND_USAGE = `  send FILE.wsman [--request N|TITLE ...] [--var NAME=VALUE ...] [--json]
                                           send the requests of a .wsman file (all, in order, or
                                           the Nth / the one titled TITLE; repeatable) and print
                                           each status and formatted reply; exit 1 if any failed`;

const USAGE_HINT = 'write amtwb send FILE.wsman [--request N|TITLE ...] [--var NAME=VALUE ...] [--json]';

export interface SendCliIo extends Pick<CliIo, 'out' | 'err' | 'connect' | 'target' | 'signal'> {
  /** The device's URL when the caller knows it (e.g. the embedded simulator's), for `{{$target}}`. */
  targetUrl?: string;
}

interface Outcome {
  index: number;
  title: string;
  ok: boolean;
  result?: WsmanSendResult;
  error?: string;
}

export async function runSendCli(args: readonly string[], io: SendCliIo): Promise<number> {
  const { values: v, positionals } = parse(args);
  if (positionals.length !== 1) {
    throw usageError(positionals.length === 0 ? `"send" needs the .wsman file to send; ${USAGE_HINT}.` : `"send" takes one file, but ${positionals.length} were given (${positionals.join(' ')}); ${USAGE_HINT}.`);
  }
  const path = positionals[0]!;
  const variables = parseVariables(v.var ?? []);
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw usageError(`Cannot read ${path} (${err.code ?? err.message}); check the path of the .wsman file.`, err);
  });
  const file = parseWsmanFile(text);
  if (file.requests.length === 0) throw new AmtError('wsman.no-request', `${path} holds no request (no SOAP envelope); write one, e.g. from the wsman-get snippet.`);
  const chosen = (v.request ?? []).length ? (v.request ?? []).map((r) => pickRequest(file, r, path)) : file.requests;

  const target = targetInfo(io);
  const client = await io.connect();
  const outcomes: Outcome[] = [];
  for (const block of chosen) {
    if (io.signal.aborted) break;
    const title = titleOf(block);
    try {
      const result = await sendWsmanRequest(client, file, { requestIndex: block.index, ...(variables ? { variables } : {}) }, target, io.signal);
      const ok = result.status >= 200 && result.status < 300 && !result.fault;
      outcomes.push({ index: block.index, title, ok, result });
      if (!v.json) await io.out(describeResult(block.index, title, result));
    } catch (err) {
      if (io.signal.aborted) break;
      const error = describeError(err);
      outcomes.push({ index: block.index, title, ok: false, error });
      if (!v.json) await io.out(`### #${block.index + 1} ${title}\nNot sent: ${error}\n`);
    }
  }

  if (v.json) {
    await io.out(
      JSON.stringify(
        outcomes.map((o) => ({
          request: o.index + 1,
          title: o.title,
          ok: o.ok,
          ...(o.result ? { status: o.result.status, elapsedMs: o.result.elapsedMs, target: o.result.target, ...(o.result.fault ? { fault: o.result.fault } : {}), xml: o.result.xml } : {}),
          ...(o.error ? { error: o.error } : {}),
        })),
        null,
        2,
      ),
    );
  }
  const failed = outcomes.filter((o) => !o.ok);
  const skipped = chosen.length - outcomes.length;
  if (skipped > 0) await io.err(`Stopped: ${skipped} request${skipped === 1 ? ' was' : 's were'} not sent.`);
  if (failed.length > 0) {
    const list = failed.map((o) => `#${o.index + 1} (${o.result?.fault ? `fault ${o.result.fault.subcode}` : o.result ? `HTTP ${o.result.status}` : 'not sent'})`).join(', ');
    await io.err(`${failed.length} of ${outcomes.length} request${outcomes.length === 1 ? '' : 's'} failed: ${list}.`);
    return 1;
  }
  return skipped > 0 ? 1 : 0;
}

/** The text printed for one reply: a heading, the status line, the fault's explanation, the XML. */
export function describeResult(index: number, title: string, r: WsmanSendResult): string {
  const lines = [`### #${index + 1} ${title}`, `HTTP ${r.status}${STATUS_CODES[r.status] ? ` ${STATUS_CODES[r.status]}` : ''} · ${r.elapsedMs} ms · ${r.target}`];
  if (r.fault) {
    lines.push(`Fault: ${r.fault.subcode}${r.fault.reason ? ` — ${r.fault.reason}` : ''}`, `What it means: ${r.fault.message}`);
  }
  lines.push(r.xml, '');
  return lines.join('\n');
}

function titleOf(block: RequestBlock): string {
  return block.title ?? `request ${block.index + 1}`;
}

/** `--request 2` (1-based, as the editor's messages count) or `--request "Read the general settings"`. */
function pickRequest(file: WsmanFile, spec: string, path: string): RequestBlock {
  const count = file.requests.length;
  if (/^\d+$/.test(spec.trim())) {
    const n = Number(spec);
    const block = file.requests[n - 1];
    if (!block) throw usageError(`--request ${spec}: ${path} has ${count} request${count === 1 ? '' : 's'}, numbered 1 to ${count}.`);
    return block;
  }
  const want = spec.trim().toLowerCase();
  const block = file.requests.find((r) => r.title?.toLowerCase() === want);
  if (!block) {
    const titles = file.requests.map((r) => r.title).filter((t): t is string => !!t);
    throw usageError(`--request "${spec}": no request of ${path} has that title${titles.length ? ` (titles: ${titles.map((t) => `"${t}"`).join(', ')})` : ''}; give its number (1 to ${count}) or its ### title.`);
  }
  return block;
}

function parseVariables(specs: readonly string[]): Record<string, string> | undefined {
  if (specs.length === 0) return undefined;
  const vars: Record<string, string> = {};
  for (const s of specs) {
    const eq = s.indexOf('=');
    const name = eq > 0 ? s.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw usageError(`--var "${s}" is not NAME=VALUE (a name of letters, digits, _ . -); for example --var host=amt-lab-01.`);
    vars[name] = s.slice(eq + 1);
  }
  return vars;
}

/** What `{{$target}}` and the status line use: the URL the caller knows, or the --target when it is one. */
function targetInfo(io: SendCliIo): TargetInfo {
  const url = io.targetUrl ?? (/^https?:\/\//i.test(io.target) ? io.target.replace(/\/wsman\/?$/, '').replace(/\/+$/, '') : undefined);
  const label = io.target === 'sim' ? 'Simulator' : url ? new URL(url).host : io.target;
  return { id: io.target, kind: io.target === 'sim' ? 'sim' : url ? 'remote' : 'local', label, ...(url ? { url } : {}), removable: false, state: 'connected' };
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: { request: { type: 'string', multiple: true }, var: { type: 'string', multiple: true }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw parseArgsError(err, USAGE_HINT);
  }
}
