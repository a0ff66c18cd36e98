/**
 * WS-Management faults as real AMT writes them (recorded; docs/simulator.md "Faults"): their own prefix layout, no
 * ResourceURI header, the subcode prefixed by the namespace that owns it, AMT's reason texts.
 * The HTTP layer sends them with status 400 and `Connection: close` (docs/simulator.md "Faults").
 */
import { ANONYMOUS, NS } from '../../wsman/namespaces';
import { el, textEl } from '../xml/write';

type Owner = 'addressing' | 'enumeration' | 'transfer' | 'wsman' | 'eventing';

interface FaultSpec {
  readonly code: 'Sender' | 'Receiver' | 'MustUnderstand';
  /** Namespace that defines the subcode (decides its prefix); absent for MustUnderstand. */
  readonly owner?: Owner;
  readonly action: string;
  readonly reason: string;
  readonly status: number;
}

const ADDRESSING_FAULT = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault';
const WSMAN_FAULT = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault';
const ENUMERATION_FAULT = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault';

const SPECS = {
  DestinationUnreachable: {
    code: 'Sender', owner: 'addressing', action: ADDRESSING_FAULT, status: 400,
    reason: 'No route can be determined to reach the destination role defined by the WSAddressing To.',
  },
  ActionNotSupported: {
    code: 'Sender', owner: 'addressing', action: ADDRESSING_FAULT, status: 400,
    reason: 'The action is not supported by the service.',
  },
  MessageInformationHeaderRequired: {
    code: 'Sender', owner: 'addressing', action: ADDRESSING_FAULT, status: 400,
    reason: 'A required header is missing.',
  },
  // DSP0226 AccessDenied, sent with AMT's usual 400 (a user without the realm a request needs).
  AccessDenied: {
    code: 'Sender', owner: 'wsman', action: WSMAN_FAULT, status: 400,
    reason: 'The sender was not authorized to access the resource.',
  },
  InvalidSelectors: {
    code: 'Sender', owner: 'wsman', action: WSMAN_FAULT, status: 400,
    reason: 'The Selectors for the resource are not valid.',
  },
  SchemaValidationError: {
    code: 'Sender', owner: 'wsman', action: WSMAN_FAULT, status: 400,
    reason: 'The supplied SOAP violates the corresponding XML schema definition.',
  },
  InvalidParameter: {
    code: 'Sender', owner: 'wsman', action: WSMAN_FAULT, status: 400,
    reason: 'An operation parameter is not valid.',
  },
  EncodingLimit: {
    code: 'Sender', owner: 'wsman', action: WSMAN_FAULT, status: 400,
    reason: 'An internal encoding limit was exceeded in a request or would be violated if the message were processed.',
  },
  UnsupportedFeature: {
    code: 'Sender', owner: 'wsman', action: WSMAN_FAULT, status: 400,
    reason: 'The specified feature is not supported.',
  },
  // AMT used the wsman fault action for this transfer-spec subcode (recorded).
  InvalidRepresentation: {
    code: 'Sender', owner: 'transfer', action: WSMAN_FAULT, status: 400,
    reason: 'The XML content is not valid.',
  },
  InternalError: {
    code: 'Receiver', owner: 'wsman', action: WSMAN_FAULT, status: 500,
    reason: 'The service cannot comply with the request due to internal processing errors.',
  },
  InvalidEnumerationContext: {
    code: 'Receiver', owner: 'enumeration', action: ENUMERATION_FAULT, status: 400,
    reason: 'The supplied enumeration context is invalid.',
  },
  FilterDialectRequestedUnavailable: {
    code: 'Sender', owner: 'enumeration', action: ENUMERATION_FAULT, status: 400,
    reason: 'The requested filtering dialect is not supported.',
  },
  CannotProcessFilter: {
    code: 'Sender', owner: 'enumeration', action: ENUMERATION_FAULT, status: 400,
    reason: 'The requested filter could not be processed.',
  },
  // The transfer fault AMT recorded for a duplicate Create (recorded).
  AlreadyExists: {
    code: 'Sender', owner: 'wsman', action: WSMAN_FAULT, status: 400,
    reason: 'The sender attempted to create a resource which already exists.',
  },
  QuotaLimit: {
    code: 'Sender', owner: 'wsman', action: WSMAN_FAULT, status: 400,
    reason: 'The service is busy servicing other requests.',
  },
  // WS-Eventing (2004/08) faults use the WS-Addressing fault action.
  DeliveryModeRequestedUnavailable: {
    code: 'Sender', owner: 'eventing', action: ADDRESSING_FAULT, status: 400,
    reason: 'The requested delivery mode is not supported.',
  },
  InvalidExpirationTime: {
    code: 'Sender', owner: 'eventing', action: ADDRESSING_FAULT, status: 400,
    reason: 'The expiration time requested is invalid.',
  },
  FilteringNotSupported: {
    code: 'Sender', owner: 'eventing', action: ADDRESSING_FAULT, status: 400,
    reason: 'Filtering over the event source is not supported.',
  },
  UnableToRenew: {
    code: 'Receiver', owner: 'eventing', action: ADDRESSING_FAULT, status: 400,
    reason: 'The subscription could not be renewed.',
  },
  MustUnderstand: {
    code: 'MustUnderstand', action: ADDRESSING_FAULT, status: 400,
    reason: 'The WS-Management service cannot process a SOAP header in the request that is marked as mustUnderstand.',
  },
} satisfies Record<string, FaultSpec>;

export type FaultName = keyof typeof SPECS;

/** Fault detail URIs (DSP0226 `…/wsman/faultDetail/<name>`). */
export type FaultDetail =
  | 'MaxEnvelopeSize' | 'InsufficientSelectors' | 'UnexpectedSelectors' | 'DuplicateSelectors'
  | 'InvalidValues' | 'MissingValues' | 'EnumerationMode' | 'TypeMismatch';

const DETAIL_BASE = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';

/** Thrown anywhere below the service; the service turns it into the fault reply. */
export class WsmanFault extends Error {
  /** The MessageID of the request, when the fault was found after its header could be read. */
  relatesTo?: string;

  constructor(
    readonly fault: FaultName,
    /** Why, for people reading logs and tests; not sent (AMT's reason texts are fixed). */
    readonly why: string,
    readonly detail?: FaultDetail,
  ) {
    super(`${fault}: ${why}`);
  }

  get status(): number {
    return SPECS[this.fault].status;
  }
}

/** Fault envelope prefix layout (declared g…a, then h, i, xsi, exactly as recorded). */
const PREFIX: Record<Owner, string> = { addressing: 'b', enumeration: 'c', transfer: 'd', wsman: 'e', eventing: 'f' };

export function faultEnvelope(f: WsmanFault, relatesTo: string | undefined, messageId: string): string {
  const spec: FaultSpec = SPECS[f.fault];
  const decl = [
    ['g', NS.cimbinding], ['f', NS.eventing], ['e', NS.wsman], ['d', NS.transfer], ['c', NS.enumeration],
    ['b', NS.addressing], ['a', NS.soap], ['h', NS.trust], ['i', NS.wsse], ['xsi', NS.xsi],
  ].map(([p, u]) => ` xmlns:${p}="${u}"`).join('');
  const header =
    textEl('b:To', ANONYMOUS) +
    (relatesTo !== undefined ? textEl('b:RelatesTo', relatesTo) : '') +
    textEl('b:Action', spec.action, { 'a:mustUnderstand': 'true' }) +
    textEl('b:MessageID', messageId);
  const subcode = spec.owner ? el('a:Subcode', textEl('a:Value', `${PREFIX[spec.owner]}:${f.fault}`)) : '';
  const code = el('a:Code', textEl('a:Value', `a:${spec.code}`) + subcode);
  const reason = el('a:Reason', textEl('a:Text', spec.reason, { 'xml:lang': 'en-US' }));
  const detail = el('a:Detail', f.detail ? textEl('e:FaultDetail', DETAIL_BASE + f.detail) : '');
  const body = el('a:Fault', code + reason + detail);
  return `<?xml version="1.0" encoding="UTF-8"?><a:Envelope${decl}>${el('a:Header', header)}${el('a:Body', body)}</a:Envelope>`;
}
