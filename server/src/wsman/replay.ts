/**
 * The one rule for sending a WS-Man request again, used by every layer that could (the HTTP
 * connection after a kept-alive connection or APF channel closed under it, the connection pool,
 * the local path's reset retry):
 *
 * - Identify, Get, Enumerate, Pull and Release may be sent again: a read cannot change the device,
 *   and a second Release of the same context only earns a fault;
 * - Put, Create, Delete, Invoke, Subscribe, Unsubscribe, Renew and any envelope this file cannot
 *   name are never sent again by any layer. When one was written and no answer came, the caller is
 *   told it may have been applied and how to find out; when it provably never left (the connection
 *   could not be opened), the caller is told that instead, and a fresh connection may carry it.
 */

export type WsmanOperation =
  | 'Identify'
  | 'Get'
  | 'Enumerate'
  | 'Pull'
  | 'Release'
  | 'Put'
  | 'Create'
  | 'Delete'
  | 'Invoke'
  | 'Subscribe'
  | 'Unsubscribe'
  | 'Renew'
  /** An envelope whose operation is not known (e.g. a raw Send with an unusual Action). */
  | 'request';

const RESENDABLE: ReadonlySet<WsmanOperation> = new Set<WsmanOperation>(['Identify', 'Get', 'Enumerate', 'Pull', 'Release']);

/** Whether any layer may send this request a second time. Unknown requests may not. */
export function mayResend(operation: WsmanOperation | undefined): boolean {
  return operation !== undefined && RESENDABLE.has(operation);
}

const BY_ACTION: Record<string, WsmanOperation> = {
  'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get': 'Get',
  'http://schemas.xmlsoap.org/ws/2004/09/transfer/Put': 'Put',
  'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create': 'Create',
  'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete': 'Delete',
  'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate': 'Enumerate',
  'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull': 'Pull',
  'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release': 'Release',
  'http://schemas.xmlsoap.org/ws/2004/08/eventing/Subscribe': 'Subscribe',
  'http://schemas.xmlsoap.org/ws/2004/08/eventing/Unsubscribe': 'Unsubscribe',
  'http://schemas.xmlsoap.org/ws/2004/08/eventing/Renew': 'Renew',
};

/**
 * The operation of an envelope from its WS-Addressing Action. A class URI followed by a method name
 * is an Invoke; no Action at all is an Identify only when the body is an IdentifyRequest.
 */
export function operationOfAction(action: string | undefined, isIdentify = false): WsmanOperation {
  if (action === undefined || action === '') return isIdentify ? 'Identify' : 'request';
  const known = BY_ACTION[action.trim()];
  if (known) return known;
  return /^(https?:\/\/)[^\s]+\/[A-Za-z_][\w]*\/[A-Za-z_]\w*$/.test(action.trim()) ? 'Invoke' : 'request';
}

/** The operation of a raw envelope (the `.wsman` Send), read with two cheap scans, no XML parse. */
export function operationOfEnvelope(xml: string): WsmanOperation {
  const action = /<(?:[\w.-]+:)?Action\b[^>]*>\s*([^<\s]*)\s*</.exec(xml)?.[1];
  return operationOfAction(action, action === undefined && /<(?:[\w.-]+:)?Identify\b/.test(xml));
}

/** How the user finds out whether a request whose answer was lost took effect. */
const HOW_TO_CHECK: Record<WsmanOperation, string> = {
  Identify: 'send it again',
  Get: 'send it again',
  Enumerate: 'send it again',
  Pull: 'start the enumeration again',
  Release: 'nothing needs checking',
  Put: 'Get the instance to see whether it was applied before sending the Put again',
  Create: 'enumerate the class to see whether the instance was created before sending the Create again',
  Delete: 'Get the instance to see whether it is gone before sending the Delete again',
  Invoke: 'read the state the method changes (Get the instance) before calling it again',
  Subscribe: 'enumerate the subscriptions to see whether it was made before subscribing again',
  Unsubscribe: 'enumerate the subscriptions to see whether it is gone before sending it again',
  Renew: 'enumerate the subscriptions to see its expiry before renewing again',
  request: 'check the device state before sending it again',
};

/** "the Put" / "the request", for sentences. */
export function nameOf(operation: WsmanOperation | undefined): string {
  return operation === undefined || operation === 'request' ? 'the request' : `the ${operation}`;
}

/**
 * The clause for a request that was written but not answered: "the Put may have been applied
 * and was not sent again: Get the instance to see whether it was applied before sending the Put again".
 */
export function mayHaveBeenApplied(operation: WsmanOperation | undefined): string {
  return `${nameOf(operation)} may have been applied and was not sent again: ${HOW_TO_CHECK[operation ?? 'request']}`;
}

/** The clause for a request that never left this machine. */
export function wasNotSent(operation: WsmanOperation | undefined): string {
  return `${nameOf(operation)} was not sent, so it is safe to retry`;
}
