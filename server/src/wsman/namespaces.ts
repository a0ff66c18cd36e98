/**
 * Namespace and action URIs of WS-Management as Intel AMT speaks it: DMTF DSP0226 (WS-Management),
 * DSP0227 (WS-Management CIM binding), and the 2004 WS-Addressing, WS-Transfer, WS-Enumeration and
 * WS-Eventing submissions; the schema prefixes are those of the Intel AMT SDK's class reference.
 */
export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  addressing: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  wsman: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  enumeration: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
  transfer: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  eventing: 'http://schemas.xmlsoap.org/ws/2004/08/eventing',
  cimbinding: 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd',
  common: 'http://schemas.dmtf.org/wbem/wscim/1/common',
  identity: 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  trust: 'http://schemas.xmlsoap.org/ws/2005/02/trust',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
} as const;

export const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

export const ACTION = {
  get: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get',
  put: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Put',
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  enumerate: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate',
  pull: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull',
  release: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release',
  subscribe: 'http://schemas.xmlsoap.org/ws/2004/08/eventing/Subscribe',
  unsubscribe: 'http://schemas.xmlsoap.org/ws/2004/08/eventing/Unsubscribe',
  renew: 'http://schemas.xmlsoap.org/ws/2004/08/eventing/Renew',
  event: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/Event',
} as const;

export const SCHEMA_PREFIX = {
  amt: 'http://intel.com/wbem/wscim/1/amt-schema/1/',
  cim: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/',
  ips: 'http://intel.com/wbem/wscim/1/ips-schema/1/',
} as const;

/** `AMT_GeneralSettings` → `http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings`. A full URI passes through. */
export function resourceUriFor(classOrUri: string): string {
  if (/^https?:\/\//.test(classOrUri)) return classOrUri;
  const prefix = classOrUri.slice(0, classOrUri.indexOf('_')).toLowerCase();
  const base = (SCHEMA_PREFIX as Record<string, string>)[prefix];
  if (!base) {
    throw new Error(`"${classOrUri}" is not an AMT_, CIM_ or IPS_ class name; give the class name or its full resource URI.`);
  }
  return base + classOrUri;
}

/** The class name at the end of a resource URI. */
export function classNameFromUri(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}
