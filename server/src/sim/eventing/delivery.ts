/**
 * Push delivery: one HTTP POST of an event envelope to a subscriber's NotifyTo URL. For
 * PushWithAck the listener must answer with an Ack whose RelatesTo is the event's MessageID
 * (DMTF DSP0226 Ack); a plain Push only needs a 2xx. https listeners are accepted without
 * certificate checks: the simulator is a test device, and AMT's own listener-trust settings are
 * not modelled.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { NS } from '../../wsman/namespaces';
import { childNamed, parseXml } from '../xml/parse';

const ACK_ACTION = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/Ack';
const MAX_REPLY = 64 * 1024;

export interface PushOptions {
  readonly ack: boolean;
  readonly messageId: string;
  readonly timeoutMs: number;
  /** Opens the connection itself (a channel through LMS to a subscriber on the host); default TCP. */
  readonly connect?: () => Promise<Duplex>;
}

/** Resolves once the listener accepted the event; rejects with a reason otherwise. */
export async function pushEvent(url: string, xml: string, opts: PushOptions): Promise<void> {
  const stream = opts.connect ? await opts.connect() : undefined;
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error(`${url} is not a URL`));
      return;
    }
    const lib = target.protocol === 'https:' ? https : http;
    const body = Buffer.from(xml, 'utf8');
    const req = lib.request(
      target,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', 'Content-Length': body.length },
        timeout: opts.timeoutMs,
        agent: false,
        ...(stream ? { createConnection: () => stream as never } : {}),
        ...(target.protocol === 'https:' ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const parts: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_REPLY) parts.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) return reject(new Error(`the listener answered HTTP ${status}`));
          if (!opts.ack) return resolve();
          const why = ackProblem(Buffer.concat(parts).toString('utf8'), opts.messageId);
          if (why) reject(new Error(why));
          else resolve();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`the listener did not answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Why a PushWithAck reply is not an Ack for `messageId`, or undefined when it is. */
function ackProblem(text: string, messageId: string): string | undefined {
  try {
    const header = childNamed(parseXml(text), NS.soap, 'Header');
    const action = header && childNamed(header, NS.addressing, 'Action')?.text.trim();
    const relatesTo = header && childNamed(header, NS.addressing, 'RelatesTo')?.text.trim();
    if (action !== ACK_ACTION) return `the listener's reply is not an Ack (Action ${action ?? 'missing'})`;
    if (relatesTo !== messageId) return `the listener acknowledged ${relatesTo ?? 'nothing'}, not ${messageId}`;
    return undefined;
  } catch {
    return 'the listener did not answer with an Ack envelope';
  }
}
