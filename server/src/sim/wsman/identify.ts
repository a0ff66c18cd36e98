/**
 * WS-Management Identify (no Action header, body `<wsmid:Identify/>`). No real AMT
 * IdentifyResponse is published (docs/simulator.md "Identify"), so the fields come from SimDevice.identify and can be
 * changed by tests; DASHVersion is written in the DASH namespace.
 */
import { NS } from '../../wsman/namespaces';
import { childNamed } from '../xml/parse';
import { el, textEl } from '../xml/write';
import type { OpContext } from './context';
import type { Reply } from './envelope';
import type { WsmanRequest } from './request';

const DASH_NS = 'http://schemas.dmtf.org/wbem/dash/1/dash.xsd';

export function isIdentify(req: WsmanRequest): boolean {
  return req.action === undefined && childNamed(req.body, NS.identity, 'Identify') !== undefined;
}

export function identify(ctx: OpContext): Reply {
  const f = ctx.device.identify;
  const profiles = f.SecurityProfiles.map((p) => textEl('g:SecurityProfileName', p)).join('');
  const body = el(
    'g:IdentifyResponse',
    textEl('g:ProtocolVersion', f.ProtocolVersion) +
      textEl('g:ProductVendor', f.ProductVendor) +
      textEl('g:ProductVersion', f.ProductVersion) +
      textEl('h:DASHVersion', f.DASHVersion) +
      el('g:SecurityProfiles', profiles),
  );
  return { ns: { g: NS.identity, more: [['h', DASH_NS]] }, body };
}
