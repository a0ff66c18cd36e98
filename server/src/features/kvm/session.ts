/**
 * Opening AMT's KVM on a target (spec redirection.md §5.1): the same stream and session start as
 * SOL and IDE-R (features/redirection: StartRedirectionSession with tag KVMR and byte 1 = 0x01,
 * digest log-on), then `40 00 00 00 00 00 00 00` → the 8-byte 0x41, then RFB (rfb.ts).
 *
 * When the device refuses, one sentence says why, read from its WS-Man state: KVM switched off
 * (CIM_KVMRedirectionSAP, or in MEBx), user consent needed, or another viewer holds the session.
 */
import net from 'node:net';
import { AmtError } from '../../errors';
import type { RedirectionTarget } from '../redirection/connect';
import type { RefusalClient } from '../redirection/refusals';
import { RedirectionLink, startRedirectionSession } from '../redirection/session';
import { ByteReader } from './bytes';
import { KEYSYM, type KeyStroke } from './keysyms';
import { encodePng } from './png';
import { RfbClient, type RfbOptions } from './rfb';

export const KVM_START = Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]);
export const KVM_START_REPLY = 0x41;

export function kvmDisabledSentence(label: string, where = 'CIM_KVMRedirectionSAP'): string {
  return where === 'MEBx'
    ? `KVM is disabled in ${label}'s MEBx (IPS_KVMRedirectionSettingData.EnabledByMEBx is false), and nothing remote can enable it; enable KVM in the MEBx setup screen on the host.`
    : `KVM is disabled on ${label} (${where}); enable it with \`amtwb redirection --kvm on\`.`;
}

export function kvmConsentSentence(label: string): string {
  return `${label} requires user consent before a KVM session; start it with \`amtwb consent start\`, then type the six digits the host screen shows with \`amtwb consent code NNNNNN\`.`;
}

export function kvmBusySentence(label: string): string {
  return `${label} answered BUSY: a KVM session is already open on this device (another viewer); close that viewer and retry.`;
}

export interface OpenedKvm {
  rfb: RfbClient;
  route: string;
}

/** Opens KVM on `target` and runs the RFB handshake. */
export async function openKvm(target: RedirectionTarget, options: RfbOptions = {}, signal?: AbortSignal): Promise<OpenedKvm> {
  const opened = await target.open(signal);
  const link = new RedirectionLink(opened.stream, target.label);
  try {
    await startRedirectionSession(link, { kind: 'KVM', credentials: opened.credentials, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  } catch (err) {
    link.close();
    throw await explainKvmRefusal(err, target, signal);
  }
  const { stream, leftover } = link.detach();
  const reader = new ByteReader(stream, target.label, options.timeoutMs);
  reader.push(leftover);
  try {
    stream.write(KVM_START);
    const reply = await reader.read(8, 'the answer to the KVM start (0x41)');
    if (reply[0] !== KVM_START_REPLY) throw new AmtError('kvm.protocol', `${target.label} answered the KVM start with message 0x${reply[0]!.toString(16)} instead of 0x41; the session was ended.`);
    return { rfb: await RfbClient.handshake(stream, target.label, reader, options), route: opened.route };
  } catch (err) {
    stream.destroy();
    // A device asking for consent or with KVM off may accept the session and then close it.
    if (err instanceof AmtError && err.code === 'redir.closed') throw await explainKvmRefusal(err, target, signal);
    throw err;
  }
}

/** The sentence for a refused KVM session, from the device's WS-Man state where that says more. */
export async function explainKvmRefusal(err: unknown, target: RedirectionTarget, signal?: AbortSignal): Promise<unknown> {
  if (!(err instanceof AmtError)) return err;
  const label = target.label;
  if (err.code === 'redir.busy') return new AmtError('redir.busy', kvmBusySentence(label), { cause: err });
  if (!['redir.unsupported', 'redir.refused', 'redir.closed'].includes(err.code)) return err;
  const client = target.wsman ? await target.wsman(signal).catch(() => undefined) : undefined;
  const why = client ? await kvmState(client, signal).catch(() => undefined) : undefined;
  if (why === 'mebx') return new AmtError('kvm.disabled', kvmDisabledSentence(label, 'MEBx'), { cause: err });
  if (why === 'off') return new AmtError('kvm.disabled', kvmDisabledSentence(label), { cause: err });
  if (why === 'consent') return new AmtError('kvm.consent', kvmConsentSentence(label), { cause: err });
  // UNSUPPORTED without a readable state still means the feature is off (spec §2.3).
  if (err.code === 'redir.unsupported') return new AmtError('kvm.disabled', kvmDisabledSentence(label), { cause: err });
  return err;
}

/** What stands in the way of KVM per WS-Man: 'mebx', 'off', 'consent', or undefined (nothing seen). */
export async function kvmState(client: RefusalClient, signal?: AbortSignal): Promise<'mebx' | 'off' | 'consent' | undefined> {
  const opts = signal ? { signal } : {};
  const settings = await client.get('IPS_KVMRedirectionSettingData', undefined, opts).then((r) => r.properties, () => undefined);
  if (settings && String(settings['EnabledByMEBx']) === 'false') return 'mebx';
  const sap = await client.get('CIM_KVMRedirectionSAP', undefined, opts).then((r) => r.properties, () => undefined);
  if (sap) {
    const enabled = Number(sap['EnabledState'] ?? 0);
    // MeshCommander: on when EnabledState is 2 (enabled) or 6 (enabled but offline).
    if (enabled !== 2 && enabled !== 6) return 'off';
  }
  const optIn = await client.get('IPS_OptInService', undefined, opts).then((r) => r.properties, () => undefined);
  if (optIn) {
    const required = Number(optIn['OptInRequired'] ?? 0);
    const state = Number(optIn['OptInState'] ?? 0);
    if ((required === 1 || required === 0xffffffff) && state !== 3 && state !== 4) return 'consent';
  }
  return undefined;
}

/** One full frame of the host's screen as a PNG (what `amtwb kvm screenshot` and amt/kvm/screenshot give). */
export async function screenshot(target: RedirectionTarget, options: RfbOptions = {}, signal?: AbortSignal): Promise<{ png: Buffer; width: number; height: number; route: string }> {
  const { rfb, route } = await openKvm(target, options, signal);
  try {
    const fb = await rfb.fullFrame();
    return { png: encodePng(fb.width, fb.height, fb.rgba), width: fb.width, height: fb.height, route };
  } finally {
    await rfb.close();
  }
}

/** Sends the keystrokes; resolves once the KVM server has read them (a frame asked after them came back). */
export async function typeKeys(target: RedirectionTarget, strokes: readonly KeyStroke[], signal?: AbortSignal): Promise<{ route: string }> {
  const { rfb, route } = await openKvm(target, {}, signal);
  // Ctrl-Alt-Del resets the host, which ends the KVM session: then the close is the answer.
  const resets = strokes.some((s) => s.keysym === KEYSYM.DELETE) && strokes.some((s) => s.keysym === KEYSYM.CONTROL_L);
  try {
    rfb.keys(strokes);
    await rfb.fullFrame().catch((err: unknown) => {
      if (!(resets && err instanceof AmtError && err.code === 'redir.closed')) throw err;
    });
    return { route };
  } finally {
    await rfb.close();
  }
}

/** AMT's standard RFB port (5900's role) on `host`, when Is5900PortEnabled and an RFBPassword are set. */
export interface RfbPortTarget {
  host: string;
  port: number;
  label: string;
  /** The RFB password (IPS_KVMRedirectionSettingData.RFBPassword); used once, never retried. */
  password: string;
  timeoutMs?: number;
}

/** One full frame through port 5900: plain RFB with VNC authentication, no redirection log-on. */
export async function screenshotRfbPort(target: RfbPortTarget, options: RfbOptions = {}, signal?: AbortSignal): Promise<{ png: Buffer; width: number; height: number; route: string }> {
  const socket = net.connect({ host: target.host, port: target.port });
  const abort = () => socket.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (err: NodeJS.ErrnoException) =>
        reject(new AmtError('kvm.protocol', `${target.label} does not accept RFB connections on port ${target.port} (${err.code ?? err.message}); enable it with IPS_KVMRedirectionSettingData.Is5900PortEnabled and an RFBPassword, or use the redirection port without --rfb-port.`, { cause: err })));
    });
    const rfb = await RfbClient.handshake(socket, target.label, undefined, { ...options, vncPassword: target.password, ...(target.timeoutMs ? { timeoutMs: target.timeoutMs } : {}) }).catch((err: unknown) => {
      if (err instanceof AmtError && err.code === 'redir.closed') throw new AmtError('kvm.disabled', `${target.label} closed its RFB port ${target.port} at once: port 5900 is off, no RFB password is set, KVM is disabled, user consent is missing or another viewer is connected; check the KVM settings and consent, then retry.`, { cause: err });
      throw err;
    });
    try {
      const fb = await rfb.fullFrame();
      return { png: encodePng(fb.width, fb.height, fb.rgba), width: fb.width, height: fb.height, route: `RFB ${target.host}:${target.port}` };
    } finally {
      await rfb.close();
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    socket.destroy();
  }
}
