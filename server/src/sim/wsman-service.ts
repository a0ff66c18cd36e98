/**
 * One simulated device's WS-Management service: a request envelope in, a response envelope out,
 * shaped like real AMT's (DMTF DSP0226 WS-Management as Intel AMT writes it; the recorded replies
 * in test/fixtures/real-amt). Transport-free, so the HTTP front, an APF channel or a unit
 * test can drive it alike.
 */
import { ACTION } from '../wsman/namespaces';
import type { SimDevice } from './device';
import type { OpContext } from './wsman/context';
import { enumerate, pull, release } from './wsman/enumerate';
import { EnumerationContexts } from './wsman/enumeration';
import { replyEnvelope, type Reply } from './wsman/envelope';
import { faultEnvelope, WsmanFault } from './wsman/faults';
import { identify, isIdentify } from './wsman/identify';
import { invoke } from './wsman/invoke';
import { peekMessageId, readRequest, type WsmanRequest } from './wsman/request';
import { create, get, put, remove } from './wsman/transfer';
import { renew, subscribe, unsubscribe } from './eventing/handlers';
import { withCaller, type Caller } from './accounts/caller';
import { authorize } from './accounts/realms';
import { checkModelServes } from './models';

export interface WsmanReply {
  readonly status: number;
  readonly xml: string;
  /** Faults close the connection, like AMT's 400 replies. */
  readonly fault: boolean;
}

/**
 * A client may not ask for envelopes smaller than this: DSP0226 lets a service set a minimum
 * MaxEnvelopeSize, and the Intel AMT SDK documents AMT's as 50000 octets (docs/simulator.md).
 */
const MIN_ENVELOPE_SIZE = 50_000;

type Handler = (ctx: OpContext) => Reply;

/** Handlers by Action URI; a Map, so an Action such as `constructor` finds nothing. */
const HANDLERS: ReadonlyMap<string, Handler> = new Map([
  [ACTION.get, get],
  [ACTION.put, put],
  [ACTION.enumerate, enumerate],
  [ACTION.pull, pull],
  [ACTION.release, release],
  // Only classes with a create/remove hook (agent-presence watchdogs) allow these (README).
  [ACTION.create, create],
  [ACTION.delete, remove],
  // WS-Eventing against CIM_FilterCollection / CIM_FilterCollectionSubscription (eventing/).
  [ACTION.subscribe, subscribe],
  [ACTION.unsubscribe, unsubscribe],
  [ACTION.renew, renew],
]);

export class WsmanService {
  private readonly contexts: EnumerationContexts;

  constructor(readonly device: SimDevice) {
    this.contexts = new EnumerationContexts(device);
  }

  /**
   * The request, when the body is an Identify (answered without Digest unless the device says
   * otherwise); handle() then takes it, so the body is parsed once.
   */
  identifyRequest(xml: string): WsmanRequest | undefined {
    try {
      const req = this.read(xml);
      return isIdentify(req) ? req : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Answers one request; `parsed` is the same body already read (by identifyRequest); `caller` is
   * the Digest user, whose realms the request must be within (accounts/realms.ts).
   */
  handle(xml: string, parsed?: WsmanRequest, caller?: Caller): WsmanReply {
    let req: WsmanRequest | undefined;
    try {
      req = parsed ?? this.read(xml);
      // Before dispatch, so an observer can count (or disturb) a request before it is applied.
      this.device.emit('request', { action: req.action, resourceUri: req.resourceUri });
      this.device.refresh();
      const request = req;
      if (caller) authorize(this.device, caller.user, request.action, request.resourceUri);
      const reply = withCaller(this.device, caller, () => this.dispatch(request));
      return { status: 200, fault: false, xml: replyEnvelope(reply, req.messageId, this.device.nextMessageId()) };
    } catch (e) {
      const fault = e instanceof WsmanFault ? e : new WsmanFault('InternalError', (e as Error)?.message ?? String(e));
      const relatesTo = req ? req.messageId : fault.relatesTo ?? peekMessageId(xml);
      this.device.emit('fault', { fault: fault.fault, why: fault.why });
      return { status: fault.status, fault: true, xml: faultEnvelope(fault, relatesTo, this.device.nextMessageId()) };
    }
  }

  /** Every XML parse of a request goes through here, so the `parse` event counts them all. */
  private read(xml: string): WsmanRequest {
    this.device.emit('parse', { bytes: xml.length });
    return readRequest(xml);
  }

  private dispatch(req: WsmanRequest): Reply {
    const ctx: OpContext = { device: this.device, contexts: this.contexts, req };
    if (req.maxEnvelopeSize !== undefined && req.maxEnvelopeSize < MIN_ENVELOPE_SIZE) {
      throw new WsmanFault('EncodingLimit', `MaxEnvelopeSize ${req.maxEnvelopeSize} < ${MIN_ENVELOPE_SIZE}`, 'MaxEnvelopeSize');
    }
    if (req.action === undefined) {
      if (isIdentify(req)) return identify(ctx);
      throw new WsmanFault('MessageInformationHeaderRequired', 'the request has no Action');
    }
    checkModelServes(this.device, req.resourceUri);
    const handler = HANDLERS.get(req.action);
    if (handler) return handler(ctx);
    // Anything else is a method call, `{resourceURI}/{Method}`, when it names a resource at all.
    if (req.resourceUri && req.action.startsWith(`${req.resourceUri}/`)) return invoke(ctx);
    throw new WsmanFault('ActionNotSupported', `unknown action ${req.action}`);
  }
}
