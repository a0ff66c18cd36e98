/**
 * The reply of a .wsman "Send" as the read-only document that opens beside the editor: a comment
 * block with the HTTP status, the time, the device and — for a SOAP fault — its subcode, the
 * device's reason and what it means, then the pretty-printed reply. Also the short names and
 * lines the commands and the history show for a send.
 */
import { STATUS_CODES } from 'node:http';
import type { WsmanSendResult } from '../../../server/src/protocol';

/** `200 OK`, `400 Bad Request`; the bare number for a status Node does not name. */
export function statusText(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase ? `${status} ${phrase}` : String(status);
}

/** `200 OK · 12 ms · Simulator (http://127.0.0.1:16992)`: the first line of the response document. */
export function statusLine(r: Pick<WsmanSendResult, 'status' | 'elapsedMs' | 'target'>): string {
  return `${statusText(r.status)} · ${Math.round(r.elapsedMs)} ms · ${r.target}`;
}

/** True when the device answered 2xx without a SOAP fault. */
export function succeeded(r: Pick<WsmanSendResult, 'status' | 'fault'>): boolean {
  return r.status >= 200 && r.status < 300 && !r.fault;
}

export interface ResponseDocumentOptions {
  /** What was sent, e.g. `Read the general settings` or `Get AMT_GeneralSettings`. */
  label?: string;
  /** The .wsman file's name and the request's number in it, e.g. `requests.wsman #2`. */
  source?: string;
  /** When it was sent (ISO 8601). */
  sentAt?: string;
}

/** The text of the response document. */
export function responseDocument(r: WsmanSendResult, opts: ResponseDocumentOptions = {}): string {
  const head = [statusLine(r)];
  const about = [opts.label, opts.source, opts.sentAt].filter((s): s is string => !!s);
  if (about.length) head.push(about.join(' · '));
  if (r.fault) {
    head.push(`Fault ${r.fault.subcode}${r.fault.reason ? `: ${r.fault.reason}` : ''}`);
    head.push(`What it means: ${r.fault.message}`);
  }
  const comments = head.map((line) => `<!-- ${commentText(line)} -->`).join('\n');
  // An XML declaration is only allowed at the very start; the comments go first, so it goes.
  const body = r.xml.replace(/^\s*<\?xml[^>]*\?>\s*/, '');
  return `${comments}\n${body}${body.endsWith('\n') ? '' : '\n'}`;
}

/** Text that is safe inside `<!-- … -->` (no `--`, on one line). */
export function commentText(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').replace(/-{2,}/g, (m) => m.split('').join(' '));
}

/**
 * A name for a request from the envelope that was sent: `Identify`, `Get AMT_GeneralSettings`,
 * `CIM_PowerManagementService.RequestPowerStateChange`. Used when the request has no `###` title.
 */
export function describeEnvelope(envelope: string): string | undefined {
  const text = (local: string) => new RegExp(`<(?:[\\w.-]+:)?${local}\\b[^>]*>([^<]*)<`).exec(envelope)?.[1]?.trim();
  const action = text('Action');
  const resourceUri = text('ResourceURI');
  if (!action) return /<(?:[\w.-]+:)?Identify\b/.test(envelope) ? 'Identify' : undefined;
  const cls = resourceUri ? resourceUri.slice(resourceUri.lastIndexOf('/') + 1) : undefined;
  if (resourceUri && action.startsWith(`${resourceUri}/`)) return `${cls}.${action.slice(resourceUri.length + 1)}`;
  const op = action.slice(action.lastIndexOf('/') + 1);
  return cls ? `${op} ${cls}` : op;
}
