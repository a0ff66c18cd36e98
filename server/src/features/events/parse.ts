/**
 * A pushed WS-Man Event envelope (DMTF DSP0226 WS-Management, "Events"; the Intel AMT SDK's "Eventing" pages) → a plain event object.
 * The envelope is parsed with the product's own WS-Man parser; anything that is not an Event
 * carrying CIM_AlertIndication is refused with a ProtocolError.
 */
import { ACTION } from '../../wsman/namespaces';
import { ProtocolError } from '../../wsman/errors';
import { bodyElement, parseEnvelope, parseInstance } from '../../wsman/parse';
import { firstChild } from '../../wsman/xml';
import { NS } from '../../wsman/namespaces';
import { isDatetime, type WsValue } from '../../wsman/types';
import { eventText, PERCEIVED_SEVERITY } from './messages';
import type { AmtEvent } from '../../protocol';

export type { AmtEvent } from '../../protocol';

export interface PushedEvent {
  event: AmtEvent;
  /** The push's WS-Addressing MessageID (the Ack relates to it; retries repeat it). */
  messageId?: string;
  /** PushWithAck: the device waits for an Ack. */
  ackRequested: boolean;
}

export function parseEventEnvelope(xml: string): PushedEvent {
  const env = parseEnvelope(xml);
  if (env.header.action !== ACTION.event) {
    throw new ProtocolError(`The pushed message has Action ${env.header.action ?? '(none)'}, not ${ACTION.event}; it is not an AMT event.`);
  }
  const body = bodyElement(env);
  if (!body || body.local !== 'CIM_AlertIndication') {
    throw new ProtocolError(`The pushed event carries ${body ? `<${body.local}>` : 'an empty Body'}, not a CIM_AlertIndication.`);
  }
  const p = parseInstance(body).properties;
  const args = list(p.MessageArguments);
  const messageId = text(p.MessageID);
  const severity = Number(text(p.PerceivedSeverity) || 0);
  const header = firstChild(env.root, 'Header', NS.soap);
  return {
    event: {
      messageId,
      text: eventText(messageId, args, text(p.Message)),
      messageArguments: args,
      severity,
      severityLabel: PERCEIVED_SEVERITY[severity] ?? `Severity ${severity}`,
      alertType: Number(text(p.AlertType) || 0),
      time: text(p.IndicationTime),
      indicationId: text(p.IndicationIdentifier),
      filterName: text(p.IndicationFilterName),
      systemName: text(p.SystemName),
    },
    ...(env.header.messageId ? { messageId: env.header.messageId } : {}),
    ackRequested: !!header && !!firstChild(header, 'AckRequested', NS.wsman),
  };
}

function text(v: WsValue | undefined): string {
  if (typeof v === 'string') return v.trim();
  if (isDatetime(v)) return v.value;
  return '';
}

function list(v: WsValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => text(x));
}
