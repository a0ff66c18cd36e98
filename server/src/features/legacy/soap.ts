/**
 * Calls to AMT's legacy SOAP services (EOI, before AMT 6.0): a SOAP 1.1 envelope whose Body holds
 * `<Method xmlns="http://schemas.intel.com/platform/client/<Service>/2004/01">` with the
 * parameters as child elements, POSTed with Digest to `/<Service>Service`; the answer's
 * `<Method>Response` holds the PT_STATUS first and the results after it. This is what Debian's
 * amttool sends and reads, and the field names of Intel's AMT SDK.
 *
 * No SOAP library is used: npm's SOAP clients (`soap`, `strong-soap`) need the services' WSDL,
 * which Intel shipped only in its SDK, and bring their own HTTP stack, while these calls must go
 * through the device's WS-Man connections (Digest, lock-out rule, tracing). The envelope is a few
 * fixed lines and the answer is read with the engine's XML reader (DOCTYPE and entities refused).
 */
import { AmtError } from '../../errors';
import type { WsmanClient, CallOptions } from '../../wsman';
import { childElements, escapeXml, parseXml, type XmlElement } from '../../wsman/xml';

export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

export type LegacyService = 'GeneralInfo' | 'SecurityAdministration' | 'NetworkAdministration' | 'RemoteControl';

export const serviceNamespace = (service: LegacyService) => `http://schemas.intel.com/platform/client/${service}/2004/01`;
export const servicePath = (service: LegacyService) => `/${service}Service`;

/** What legacy SOAP calls need of a device's client. */
export type LegacyClient = Pick<WsmanClient, 'postSoap'> & { readonly serverHeader?: string };

/** PT_STATUS meanings (amttool's table, Intel AMT SDK). */
const PT_STATUS: Record<number, string> = {
  0x1: 'internal error', 0x3: 'invalid mode', 0x10: 'not permitted', 0x24: 'invalid parameter',
  0x801: 'unsupported OEM number', 0x802: 'unsupported boot option', 0x803: 'invalid command',
  0x804: 'invalid special command', 0x806: 'invalid password', 0x812: 'unsupported', 0x815: 'invalid credentials',
};

export function ptStatusMeaning(code: number): string {
  return PT_STATUS[code] ?? `PT_STATUS 0x${code.toString(16)}`;
}

/** The answer of one call: its PT_STATUS and the result elements after it, by local name. */
export interface LegacyAnswer {
  readonly status: number;
  readonly fields: ReadonlyMap<string, string>;
  readonly elements: readonly XmlElement[];
}

/**
 * One call. `command` marks a call that changes the device (RemoteControl): it is sent once and
 * never again by any layer. A SOAP fault or an answer without a PT_STATUS is an AmtError.
 */
export async function callLegacy(
  client: LegacyClient,
  service: LegacyService,
  method: string,
  params: Record<string, string | number> = {},
  call: CallOptions & { command?: boolean } = {},
): Promise<LegacyAnswer> {
  const ns = serviceNamespace(service);
  const args = Object.entries(params).map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`).join('');
  const xml = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><${method} xmlns="${ns}">${args}</${method}></soap:Body></soap:Envelope>`;
  const { command, ...opts } = call;
  const res = await client.postSoap(servicePath(service), xml, `${ns}#${method}`, command ? 'Invoke' : 'Get', opts);
  const where = `${service}.${method}`;
  let envelope: XmlElement;
  try {
    envelope = parseXml(res.body);
  } catch (err) {
    throw new AmtError('legacy.malformed', `The device answered ${where} with HTTP ${res.status} and no SOAP envelope; check that the address belongs to an AMT device older than 6.0.`, { cause: err });
  }
  const body = childElements(envelope, 'Body', SOAP11)[0];
  const first = body ? childElements(body)[0] : undefined;
  if (first?.local === 'Fault') {
    const text = childElements(first, 'faultstring')[0]?.text.trim() || 'no reason given';
    throw new AmtError('legacy.fault', `The device refused ${where} with a SOAP fault ("${text}"); this firmware may not offer that call, so check its AMT version.`);
  }
  if (!first || first.local !== `${method}Response` || first.ns !== ns) {
    throw new AmtError('legacy.malformed', `The device answered ${where} with ${first ? `<${first.local}>` : 'an empty Body'} instead of ${method}Response; check that the address belongs to an AMT device older than 6.0.`);
  }
  const [statusEl, ...rest] = childElements(first);
  const status = statusEl ? Number(statusEl.text.trim()) : NaN;
  if (!Number.isInteger(status)) throw new AmtError('legacy.malformed', `The device answered ${where} without a PT_STATUS; the firmware answer is malformed, so retry or check the device.`);
  return { status, fields: new Map(rest.map((e) => [e.local, e.text.trim()] as const)), elements: rest };
}
