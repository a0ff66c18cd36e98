/**
 * The pushed event: a WS-Man `Event` envelope carrying one CIM_AlertIndication, in the exact shape
 * real AMT posts to a listener (a recorded AMT push; docs/simulator.md "Events and logs"):
 * AMT's prefixes a–h, `To` and `ReplyTo` anonymous, `AckRequested` only for PushWithAck, the Event
 * action, an AMT-style MessageID, the indication's ResourceURI; the body's properties in ASCII
 * order with IndicationTime wrapped in `<h:Datetime>`. A subscriber's reference parameters follow
 * the ResourceURI header, as WS-Addressing asks of everything sent to that endpoint.
 */
import { ACTION, ANONYMOUS, NS, resourceUriFor } from '../../wsman/namespaces';
import { el, textEl } from '../xml/write';

export const ALERT_INDICATION_URI = resourceUriFor('CIM_AlertIndication');
/** AlertingManagedElement as AMT writes it (the AMT subsystem's CIM_ComputerSystem). */
const AMT_SYSTEM_ELEMENT = 'Interop:CIM_ComputerSystem.CreationClassName="CIM_ComputerSystem",Name="Intel(r) AMT"';

/** What a firmware feature raises; the rest of the indication is filled in by raise(). */
export interface AlertInput {
  /** `iAMT0005`, `PLAT0322`, … (the text is looked up from it: Intel AMT SDK "WS-Eventing Event Fields"). */
  readonly messageId: string;
  readonly messageArguments?: readonly string[];
  /** Filled only for iAMT0050–0061 on real AMT. */
  readonly message?: string;
  /** CIM PerceivedSeverity: 2 Information … 6 Critical, 7 Fatal. */
  readonly perceivedSeverity: number;
  /** CIM AlertType: 5 Device Alert, 8 Security Alert (the recorded iAMT0005 push), … */
  readonly alertType: number;
  readonly probableCause?: number;
}

export interface Indication extends AlertInput {
  /** `Intel(r):<u32>`, unique per indication. */
  readonly identifier: string;
  /** ISO 8601 with milliseconds, device clock. */
  readonly time: string;
}

export function indicationBody(ind: Indication, filterName: string): string {
  const props: Array<[string, string | string[]]> = [
    ['AlertType', String(ind.alertType)],
    ['AlertingElementFormat', '2'],
    ['AlertingManagedElement', AMT_SYSTEM_ELEMENT],
    ['IndicationFilterName', filterName],
    ['IndicationIdentifier', ind.identifier],
    ['IndicationTime', ind.time],
    ['Message', ind.message ?? ''],
    ['MessageArguments', [...(ind.messageArguments ?? [])]],
    ['MessageID', ind.messageId],
    ['OtherAlertingElementFormat', ''],
    ['OtherSeverity', ''],
    ['OwningEntity', 'Intel(r) AMT'],
    ['PerceivedSeverity', String(ind.perceivedSeverity)],
    ['ProbableCause', String(ind.probableCause ?? 0)],
    ['SystemName', 'Intel(r) AMT'],
  ];
  const inner = props
    .map(([name, value]) => {
      if (name === 'IndicationTime') return el(`g:${name}`, textEl('h:Datetime', value as string));
      return (Array.isArray(value) ? value : [value]).map((v) => textEl(`g:${name}`, v)).join('');
    })
    .join('');
  return el('g:CIM_AlertIndication', inner);
}

export interface EventEnvelopeOptions {
  readonly messageId: string;
  /** PushWithAck: the listener must answer with an Ack (DSP0226). */
  readonly ackRequested: boolean;
  /** The subscriber's NotifyTo reference parameters, already serialised. */
  readonly referenceParameters: string;
  readonly filterName: string;
}

export function eventEnvelope(ind: Indication, opts: EventEnvelopeOptions): string {
  const decl: Array<[string, string]> = [
    ['a', NS.soap], ['b', NS.addressing], ['c', NS.wsman], ['d', NS.trust], ['e', NS.wsse], ['f', NS.cimbinding],
    ['g', ALERT_INDICATION_URI], ['h', NS.common], ['xsi', NS.xsi],
  ];
  const header =
    textEl('b:To', ANONYMOUS) +
    el('b:ReplyTo', textEl('b:Address', ANONYMOUS)) +
    (opts.ackRequested ? el('c:AckRequested') : '') +
    textEl('b:Action', ACTION.event, { 'a:mustUnderstand': 'true' }) +
    textEl('b:MessageID', opts.messageId) +
    textEl('c:ResourceURI', ALERT_INDICATION_URI) +
    opts.referenceParameters;
  const xmlns = decl.map(([p, u]) => ` xmlns:${p}="${u}"`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><a:Envelope${xmlns}>${el('a:Header', header)}${el('a:Body', indicationBody(ind, opts.filterName))}</a:Envelope>`;
}
