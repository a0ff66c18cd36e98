/**
 * SOAP faults → WsmanFaultError with a sentence a user can act on. The subcode is a QName in the
 * fault envelope's own prefixes (`b:DestinationUnreachable`, `e:AlreadyExists`), so it is resolved
 * against the Value element's namespace scope (spec/wsman-amt.md §2.1, §2.2).
 */
import { AmtError } from '../errors';
import { classNameFromUri, NS } from './namespaces';
import { bodyElement, type ParsedEnvelope } from './parse';
import { childElements, firstChild, resolveQName, type XmlElement } from './xml';

export class WsmanFaultError extends AmtError {
  /** `Sender`, `Receiver`, `MustUnderstand`, … (local name of the SOAP Code value). */
  readonly soapCode: string;
  /** Local name of the subcode, e.g. `DestinationUnreachable`; '' when the fault has none. */
  readonly subcode: string;
  readonly subcodeNamespace: string;
  /** The device's own reason text. */
  readonly reason: string;
  /** Text of the Detail element (e.g. a FaultDetail URI), '' when empty. */
  readonly detail: string;
  /** The fault's Action header. */
  readonly action?: string;
  readonly httpStatus?: number;

  constructor(fields: {
    soapCode: string;
    subcode: string;
    subcodeNamespace: string;
    reason: string;
    detail: string;
    action?: string;
    httpStatus?: number;
    resourceUri?: string;
  }) {
    super('wsman.fault', faultMessage(fields));
    this.name = 'WsmanFaultError';
    this.soapCode = fields.soapCode;
    this.subcode = fields.subcode;
    this.subcodeNamespace = fields.subcodeNamespace;
    this.reason = fields.reason;
    this.detail = fields.detail;
    if (fields.action !== undefined) this.action = fields.action;
    if (fields.httpStatus !== undefined) this.httpStatus = fields.httpStatus;
  }
}

/** What a subcode means and what to do about it. Keyed by local name: AMT's namespace for a subcode varies. */
const MEANINGS: Record<string, { means: string; todo: string }> = {
  DestinationUnreachable: {
    means: 'the device does not serve this class or no instance matches the selectors',
    todo: 'check the class name is supported by this firmware and enumerate the class to see valid selector values',
  },
  AlreadyExists: {
    means: 'an instance with the same keys already exists',
    todo: 'update or delete the existing instance instead of creating it again',
  },
  InvalidRepresentation: {
    means: 'the device rejected the XML content of the instance (a property is missing, unknown or has an invalid value)',
    todo: 'send the complete instance as Get returns it, with valid values',
  },
  QuotaLimit: {
    means: 'the device has reached a limit on instances or concurrent requests',
    todo: 'remove instances you no longer need or retry later',
  },
  ActionNotSupported: {
    means: 'the device does not support this operation or method on this class',
    todo: 'check the method name and whether this firmware version implements it',
  },
  AccessDenied: {
    means: 'the account is not allowed to access this resource',
    todo: 'use an account whose realms cover this class (the admin account has all of them)',
  },
  InvalidSelectors: {
    means: 'the selectors do not identify an instance of this class',
    todo: "use the class's key properties as selectors (enumerate the class to see each instance's keys, e.g. amtwb enumerate CLASS)",
  },
  SchemaValidationError: {
    means: 'the request does not match the class schema',
    todo: 'check property names, their order and their types',
  },
  InvalidParameter: {
    means: 'a parameter value is not valid',
    todo: "check the method's parameters and their allowed values",
  },
  InternalError: {
    means: 'the firmware hit an internal error',
    todo: 'retry; if it persists, check the device state or restart the management engine',
  },
  EncodingLimit: {
    means: 'the request exceeds an encoding limit (for example MaxEnvelopeSize below 50000)',
    todo: 'send a smaller request or a larger MaxEnvelopeSize',
  },
  TimedOut: {
    means: 'the operation or enumeration timed out inside the device',
    todo: 'retry, and for enumerations start again with a new Enumerate',
  },
  InvalidEnumerationContext: {
    means: 'the enumeration context is no longer valid',
    todo: 'start the enumeration again with a new Enumerate',
  },
  CannotProcessFilter: { means: 'the device cannot process the filter', todo: 'simplify the filter or use the SelectorFilter dialect' },
  FilteringNotSupported: { means: 'the device does not support filtered enumeration', todo: 'enumerate without a filter' },
  UnsupportedFeature: { means: 'the request uses a WS-Man feature AMT does not support', todo: 'remove options such as fragments or OptionSet' },
  MessageInformationHeaderRequired: { means: 'a required SOAP header is missing', todo: 'add the Action, To, ResourceURI and MessageID headers' },
  InvalidMessageInformationHeader: { means: 'a SOAP header is not valid', todo: 'check the Action, To, ResourceURI and MessageID headers' },
  Concurrency: { means: 'another request holds a lock on this resource', todo: 'retry after the other operation finishes' },
  MustUnderstand: { means: 'the device does not understand a header marked mustUnderstand (AMT rejects OptionSet)', todo: 'remove that header' },
  InvalidOptions: { means: 'the device does not accept the given options', todo: 'remove the OptionSet header' },
};

/** Returns the fault carried by the envelope, or undefined when the body is not a SOAP Fault. */
export function faultFromEnvelope(env: ParsedEnvelope, context: { httpStatus?: number; resourceUri?: string } = {}): WsmanFaultError | undefined {
  const fault = bodyElement(env);
  if (!fault || fault.local !== 'Fault' || fault.ns !== NS.soap) return undefined;
  const code = firstChild(fault, 'Code', NS.soap);
  const codeValue = code && firstChild(code, 'Value', NS.soap);
  const subValue = code && deepestSubcode(code);
  const sub = subValue ? resolveQName(subValue, subValue.text) : { ns: '', local: '' };
  const reasonEl = firstChild(fault, 'Reason', NS.soap);
  const reason = reasonEl ? childElements(reasonEl, 'Text', NS.soap).map((t) => t.text.trim()).find((t) => t !== '') ?? '' : '';
  const detailEl = firstChild(fault, 'Detail', NS.soap);
  return new WsmanFaultError({
    soapCode: codeValue ? resolveQName(codeValue, codeValue.text).local : '',
    subcode: sub.local,
    subcodeNamespace: sub.ns,
    reason,
    detail: detailEl ? collectText(detailEl).trim() : '',
    ...(env.header.action !== undefined ? { action: env.header.action } : {}),
    ...(context.httpStatus !== undefined ? { httpStatus: context.httpStatus } : {}),
    ...(context.resourceUri !== undefined ? { resourceUri: context.resourceUri } : {}),
  });
}

/** The readable meaning of a subcode (without advice), for hovers and tables. */
export function faultMeaning(subcode: string): string | undefined {
  return MEANINGS[subcode]?.means;
}

function faultMessage(f: { soapCode: string; subcode: string; reason: string; detail: string; resourceUri?: string }): string {
  const name = f.subcode || f.soapCode || 'unknown';
  const target = f.resourceUri ? ` for ${classNameFromUri(f.resourceUri)}` : '';
  const known = MEANINGS[f.subcode] ?? (f.subcode ? undefined : MEANINGS[f.soapCode]);
  const said = [f.reason, f.detail].filter((s) => s !== '').join(' ');
  const quote = said ? ` (device says: "${said}")` : '';
  if (known) return `WS-Man fault ${name}${target}: ${known.means}${quote}; ${known.todo}.`;
  return `WS-Man fault ${name}${target}: the device refused the request${quote}; check the request against the class definition.`;
}

// SOAP 1.2 allows nested Subcodes; the innermost is the most specific.
function deepestSubcode(code: XmlElement): XmlElement | undefined {
  let value: XmlElement | undefined;
  let sub = firstChild(code, 'Subcode', NS.soap);
  while (sub) {
    value = firstChild(sub, 'Value', NS.soap) ?? value;
    sub = firstChild(sub, 'Subcode', NS.soap);
  }
  return value;
}

function collectText(el: XmlElement): string {
  return [el.text.trim(), ...el.children.map(collectText)].filter((s) => s !== '').join(' ');
}
