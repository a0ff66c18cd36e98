/**
 * One sentence for each way a device refuses a redirection session, naming the cause and the fix.
 * Where the wire status alone is ambiguous (ERROR 0xFF, UNSUPPORTED, which also covers a feature
 * switched off, or a connection closed before any answer, as an APF channel is when the listener
 * is off), `explainRefusal` reads AMT_RedirectionService and IPS_OptInService over WS-Man and says
 * what is really in the way: the listener, the feature, or user consent.
 */
import { AmtError } from '../../errors';
import type { WsValue } from '../../wsman/types';
import { START_STATUS } from './wire';

export type SessionKind = 'SOL' | 'IDE-R' | 'KVM';

const FEATURE_FLAG: Record<SessionKind, string> = { 'SOL': '--sol on', 'IDE-R': '--ider on', 'KVM': '--kvm on' };
// KVM has no TerminateSession type; features/kvm/session.ts words its own BUSY sentence.
const TERMINATE_TYPE: Partial<Record<SessionKind, number>> = { 'SOL': 1, 'IDE-R': 0 };
const A: Record<SessionKind, string> = { 'SOL': 'a SOL', 'IDE-R': 'an IDE-R', 'KVM': 'a KVM' };

export function listenerOffSentence(label: string, port: number): string {
  return `${label} refused the connection to its redirection port ${port}: the device's redirection listener is off (AMT_RedirectionService.ListenerEnabled) or port ${port} is blocked; enable it with \`amtwb redirection --listener on\`.`;
}

export function busySentence(kind: SessionKind, label: string): string {
  return `${label} answered BUSY: ${A[kind]} session is already open on this device (another console); close it or end it with AMT_RedirectionService.TerminateSession (SessionType ${TERMINATE_TYPE[kind]}).`;
}

export function disabledSentence(kind: SessionKind, label: string): string {
  return `${kind} is disabled on ${label} (AMT_RedirectionService.EnabledState); enable it with \`amtwb redirection ${FEATURE_FLAG[kind]}\`.`;
}

export function consentSentence(kind: SessionKind, label: string): string {
  return `${label} requires user consent before ${A[kind]} session; start it with \`amtwb consent start\`, then type the six digits the host screen shows with \`amtwb consent code NNNNNN\`.`;
}

/** The AmtError for a non-zero StartRedirectionSessionReply status. */
export function startRefusal(status: number, kind: SessionKind, label: string): AmtError {
  switch (status) {
    case START_STATUS.BUSY: return new AmtError('redir.busy', busySentence(kind, label));
    case START_STATUS.UNSUPPORTED: return new AmtError('redir.unsupported', disabledSentence(kind, label));
    case START_STATUS.TYPE_UNKNOWN:
      return new AmtError('redir.unsupported', `${label} does not know the ${kind} session type (TYPE_UNKNOWN); this firmware has no ${kind}, so use another device or its own console.`);
    default:
      return new AmtError('redir.refused', `${label} refused to start the ${kind} session (status 0x${status.toString(16)}); check that ${kind} is enabled and that no consent is pending, then retry.`);
  }
}

/** What explainRefusal needs of a WsmanClient. */
export interface RefusalClient {
  get(cls: string, selectors?: undefined, opts?: { signal?: AbortSignal }): Promise<{ properties: Record<string, WsValue> }>;
}

/**
 * A clearer error for a refusal, from the device's WS-Man state: the feature is off, or consent
 * is required and not given. Returns the original when the state explains nothing more (or
 * cannot be read).
 */
export async function explainRefusal(err: AmtError, kind: SessionKind, label: string, client: RefusalClient | undefined, signal?: AbortSignal): Promise<AmtError> {
  if (!client || err.code === 'redir.busy') return err;
  try {
    const service = (await client.get('AMT_RedirectionService', undefined, signal ? { signal } : {})).properties;
    if (String(service['ListenerEnabled']) === 'false') {
      return new AmtError('redir.listener-off', listenerOffSentence(label, 16994), { cause: err });
    }
    if (err.code === 'redir.closed') return err;
    const enabled = Number(service['EnabledState'] ?? 0);
    // 32768 + 1 (IDE-R) + 2 (SOL); MeshCommander decodes the same bits.
    const on = kind === 'SOL' ? (enabled & 2) !== 0 : (enabled & 1) !== 0;
    if (enabled >= 32768 && !on) return new AmtError('redir.unsupported', disabledSentence(kind, label), { cause: err });
    const optIn = (await client.get('IPS_OptInService', undefined, signal ? { signal } : {})).properties;
    const required = Number(optIn['OptInRequired'] ?? 0);
    const state = Number(optIn['OptInState'] ?? 0);
    const needsConsent = required === 0xffffffff; // 1 = KVM only, which SOL and IDE-R do not need
    if (needsConsent && state !== 3 && state !== 4) return new AmtError('redir.consent', consentSentence(kind, label), { cause: err });
  } catch {
    return err;
  }
  return err;
}
