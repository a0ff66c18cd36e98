/**
 * Error classes of the WS-Man engine. Each carries a stable `code` and a message that names the
 * cause and the fix; `WsmanFaultError` (a SOAP fault from the device) lives in faults.ts.
 */
import { AmtError } from '../errors';

/** The device refused the Digest credentials (code `auth.failed`), or wants a scheme we cannot speak. */
export class AuthError extends AmtError {
  constructor(
    message: string,
    readonly user: string,
    readonly host: string,
    code: 'auth.failed' | 'auth.unsupported' = 'auth.failed',
  ) {
    super(code, message);
    this.name = 'AuthError';
  }
}

/** The operation did not finish within its time limit (code `timeout`). */
export class TimeoutError extends AmtError {
  constructor(message: string, readonly timeoutMs: number, options?: { cause?: unknown }) {
    super('timeout', message, options);
    this.name = 'TimeoutError';
  }
}

/** The caller aborted the operation (code `cancelled`). */
export class CancelledError extends AmtError {
  constructor(message = 'The operation was cancelled.') {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

/** The device could not be reached or dropped the connection (code `connection`). */
export class ConnectionError extends AmtError {
  /** True when the request provably never left this machine (the connection could not be opened). */
  readonly notSent: boolean;
  constructor(message: string, readonly target: string, options?: { cause?: unknown; notSent?: boolean }) {
    super('connection', message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'ConnectionError';
    this.notSent = options?.notSent ?? false;
  }
}

/**
 * A request that changes the device (Put, Create, Delete, Invoke, Subscribe, …) was written but the
 * connection broke before its answer (code `connection.outcome-unknown`); it was not sent again and
 * the message says how to check whether it took effect.
 */
export class OutcomeUnknownError extends AmtError {
  constructor(message: string, readonly operation: string, readonly target: string, options?: { cause?: unknown }) {
    super('connection.outcome-unknown', message, options);
    this.name = 'OutcomeUnknownError';
  }
}

/**
 * A request waited longer than its limit for one of the device's few connections, all busy with
 * earlier requests (code `queue.timeout`); it was never sent.
 */
export class QueueTimeoutError extends AmtError {
  constructor(message: string, readonly waitedMs: number, readonly target: string) {
    super('queue.timeout', message);
    this.name = 'QueueTimeoutError';
  }
}

/** The TLS handshake failed or the certificate is not trusted (codes `tls.untrusted`, `tls.pin-mismatch`, `tls.handshake`). */
export class TlsError extends AmtError {
  constructor(
    code: 'tls.untrusted' | 'tls.pin-mismatch' | 'tls.handshake',
    message: string,
    /** SHA-256 fingerprint of the certificate the device presented, `AA:BB:…`, when known. */
    readonly fingerprint256?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'TlsError';
  }
}

/** The reply broke HTTP or was not the WS-Man answer we expected (code `http.protocol`). */
export class ProtocolError extends AmtError {
  constructor(message: string, readonly status?: number, options?: { cause?: unknown }) {
    super('http.protocol', message, options);
    this.name = 'ProtocolError';
  }
}

/**
 * XML that cannot be accepted (codes `xml.doctype`, `xml.malformed`, `xml.encoding` for bytes that
 * are not UTF-8, `xml.limit` for a reply over the size, element or depth budget); line and column are 1-based when known.
 */
export class XmlError extends AmtError {
  constructor(
    code: 'xml.doctype' | 'xml.malformed' | 'xml.encoding' | 'xml.limit',
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(code, message);
    this.name = 'XmlError';
  }
}

/**
 * A well-formed WS-Man reply that does not answer the request sent (code `wsman.mismatch`): another
 * class in the Body, another Action, or a RelatesTo that is not the request's MessageID.
 */
export class ReplyMismatchError extends AmtError {
  constructor(message: string, readonly field: 'body' | 'action' | 'relatesTo') {
    super('wsman.mismatch', message);
    this.name = 'ReplyMismatchError';
  }
}
