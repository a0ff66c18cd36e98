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
    code = 'auth.failed',
  ) {
    super(code, message);
    this.name = 'AuthError';
  }
}

/** The operation did not finish within its time limit (code `timeout`). */
export class TimeoutError extends AmtError {
  constructor(message: string, readonly timeoutMs: number) {
    super('timeout', message);
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
  constructor(message: string, readonly target: string, options?: { cause?: unknown }) {
    super('connection', message, options);
    this.name = 'ConnectionError';
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

/** XML that cannot be accepted (codes `xml.doctype`, `xml.malformed`); line and column are 1-based when known. */
export class XmlError extends AmtError {
  constructor(
    code: 'xml.doctype' | 'xml.malformed',
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(code, message);
    this.name = 'XmlError';
  }
}
