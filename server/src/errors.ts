/**
 * The one error shape the backend uses, and the one list of its codes. Inner code throws these;
 * only the edges (CLI, LSP handlers, tree views) turn them into text. `message` is one sentence
 * naming the cause and the fix; `cause` keeps what went wrong underneath.
 *
 * Codes are `family.what-went-wrong`, lower case with dots between the parts and hyphens inside a
 * part (`target.not-removable`, `apf.not-forwarded`). A new code is added here, in its family.
 */

/** Every code an AmtError can carry. */
export type ErrorCode =
  // The device list
  | 'target.invalid' | 'target.exists' | 'target.unknown' | 'target.not-removable' | 'target.disposed' | 'target.unavailable'
  // Credentials: none given, refused by the device, refused earlier (so not sent again), a scheme we do not speak
  | 'auth.missing' | 'auth.failed' | 'auth.rejected' | 'auth.unsupported'
  // Reaching the device
  | 'tls.untrusted' | 'tls.pin-mismatch' | 'tls.handshake'
  | 'connection' | 'connection.outcome-unknown' | 'timeout' | 'queue.timeout' | 'cancelled'
  // What the device answered
  | 'http.protocol' | 'wsman.fault' | 'wsman.malformed' | 'wsman.mismatch'
  | 'xml.doctype' | 'xml.malformed' | 'xml.encoding' | 'xml.limit'
  // The wsman language (.wsman files)
  | 'wsman.bad-operation' | 'wsman.no-document' | 'wsman.no-request' | 'wsman.no-targets' | 'wsman.undefined-variable'
  // AMT on this machine: the MEI device (`mei.e…` are errno names, e.g. `mei.enoent`), AMTHI, MKHI, APF, LMS
  | 'mei.closed' | 'mei.guid' | 'mei.unsupported' | 'mei.worker' | `mei.e${string}`
  | 'amthi.protocol' | 'amthi.empty' | 'amthi.stale' | 'amthi.status' | 'amthi.internal-error' | 'amthi.not-ready'
  | 'amthi.invalid-parameter' | 'amthi.invalid-handle' | 'amthi.not-found' | 'amthi.not-permitted' | 'amthi.not-provisioned'
  | 'amthi.provisioning-state' | 'amthi.disabled-by-policy' | 'amthi.no-interface' | 'amthi.limit' | 'amthi.unsupported'
  | 'mkhi.protocol' | 'mkhi.result'
  | 'apf.protocol' | 'apf.closed' | 'apf.disconnected' | 'apf.connection-lost' | 'apf.channel-closed' | 'apf.open-failed'
  | 'apf.not-forwarded' | 'apf.unsupported-version'
  | 'lms.listen' | 'local.account' | 'local.reset'
  // Arguments from a command line or a form
  | 'usage' | 'args.invalid' | 'args.epr' | 'args.file' | 'args.unknown-method' | 'args.unknown-parameter'
  | 'catalog.invalid' | 'catalog.unknown-class'
  // Class families
  | 'put.bad-xml' | 'put.class-mismatch' | 'put.read-only'
  | 'power.invalid-action' | 'power.refused' | 'power.unavailable'
  | 'legacy.fault' | 'legacy.malformed' | 'legacy.unsupported'
  | 'boot.unsupported' | 'boot.refused' | 'boot.consent' | 'boot.invalid' | 'boot.confirmation'
  | 'consent.code' | 'consent.refused' | 'consent.state' | 'redirection.unsupported' | 'redirection.refused'
  | 'events.address' | 'events.unsubscribe'
  | 'hardware.refused' | 'storage.refused' | 'storage.invalid' | 'storage.unavailable' | 'overview.unavailable'
  | 'agent.failed' | 'agent.guid'
  | 'defense.invalid' | 'defense.refused' | 'defense.unknown' | 'log.invalid' | 'log.refused'
  | 'watchdog.busy' | 'watchdog.closed' | 'watchdog.not-armed' | 'watchdog.not-found' | 'watchdog.not-iamt' | 'watchdog.not-required'
  | 'watchdog.protocol' | 'watchdog.refused' | 'watchdog.timeout' | `watchdog.e${string}`
  | 'redir.protocol' | 'redir.closed' | 'redir.busy' | 'redir.unsupported' | 'redir.refused' | 'redir.listener-off'
  | 'redir.consent' | 'redir.image' | 'redir.unknown-session'
  | 'kvm.protocol' | 'kvm.capture' | 'kvm.too-large' | 'kvm.disabled' | 'kvm.consent' | 'kvm.file' | 'kvm.auth'
  // Devices behind Intel's MPS (CIRA): the server, its answers, a device's tunnel, bulk actions
  | 'mps.invalid' | 'mps.auth' | 'mps.refused' | 'mps.garbage' | 'mps.not-found' | 'mps.not-connected' | 'mps.relay'
  | 'fleet.confirm' | 'fleet.unknown-server'
  | 'activation.password' | 'activation.state' | 'activation.failed' | 'activation.reset' | 'activation.cert' | 'activation.profile' | 'activation.refused'
  | 'accounts.invalid' | 'accounts.weak-password' | 'accounts.refused' | 'accounts.lockout'
  | 'network.invalid' | 'network.refused' | 'network.lockout' | 'network.unavailable'
  // The embedded simulator
  | 'sim.start' | 'sim.mei.clients' | 'sim.mei.eventfd' | 'sim.mei.fuse' | 'sim.mei.init' | 'sim.mei.mount' | 'sim.mei.path'
  | 'sim.mei.unsupported' | 'sim.mei.worker'
  // Anything else reaching an edge (a bug): the handler wrapper reports it with this code
  | 'internal';

export class AmtError extends Error {
  /** Stable machine-readable code, e.g. `auth.failed`, `wsman.fault`, `timeout`. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AmtError';
    this.code = code;
  }
}

/** Turns anything thrown into a one-line message for a user. */
export function describeError(err: unknown): string {
  if (err instanceof AmtError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
