/**
 * Opening a SOL or IDE-R session on a target: the stream (targets/redirection.ts), the handshake,
 * and — when the device refuses — one sentence from the device's WS-Man state saying why
 * (refusals.ts). The target is given as an interface so features know nothing of the registry.
 */
import type { Duplex } from 'node:stream';
import { AmtError } from '../../errors';
import type { LogOn } from './session';
import { RedirectionLink } from './session';
import { explainRefusal, type SessionKind } from './refusals';
import type { WsmanClient } from '../../wsman/client';
import { SolSession, type SolOptions } from './sol';
import { IderSession, type IderOptions } from './ider';
import { DiskImage } from './image';
import { rebootToIder } from './reboot';

export interface RedirectionTarget {
  label: string;
  open(signal?: AbortSignal): Promise<{ stream: Duplex; route: string; credentials: LogOn }>;
  wsman?(signal?: AbortSignal): Promise<WsmanClient>;
  /** Told when the device refused the log-on, so the same password is not sent again. */
  refused?(credentials: LogOn): void;
}

/** Opens the link and runs `start` on it; a refusal is explained from the device's state. */
export async function withRefusalExplained<T>(target: RedirectionTarget, kind: SessionKind, start: (link: RedirectionLink, credentials: LogOn) => Promise<T>, signal?: AbortSignal): Promise<{ session: T; route: string }> {
  const opened = await target.open(signal);
  const link = new RedirectionLink(opened.stream, target.label);
  try {
    return { session: await start(link, opened.credentials), route: opened.route };
  } catch (err) {
    link.close();
    if (err instanceof AmtError && err.code === 'auth.failed') target.refused?.(opened.credentials);
    const silent = err instanceof AmtError && err.code === 'redir.closed' && link.bytesIn === 0;
    if (err instanceof AmtError && (err.code === 'redir.refused' || err.code === 'redir.unsupported' || silent)) {
      const client = target.wsman ? await target.wsman(signal).catch(() => undefined) : undefined;
      throw await explainRefusal(err, kind, target.label, client, signal);
    }
    throw err;
  }
}

export function openSol(target: RedirectionTarget, options: Omit<SolOptions, 'credentials'> = {}, signal?: AbortSignal): Promise<{ session: SolSession; route: string }> {
  return withRefusalExplained(target, 'SOL', (link, credentials) => SolSession.open(link, { ...options, credentials }), signal);
}

export function openIder(target: RedirectionTarget, options: Omit<IderOptions, 'credentials'>, signal?: AbortSignal): Promise<{ session: IderSession; route: string }> {
  return withRefusalExplained(target, 'IDE-R', (link, credentials) => IderSession.open(link, { ...options, credentials }), signal);
}

export interface ServeImages {
  /** Paths of the images: an ISO 9660 `.iso` as the CD, a `.img` as the floppy (at least one). */
  cd?: string;
  floppy?: string;
  /** Boot the host once from the served drive (the CD when there is one) as soon as the drives are up. */
  reboot?: boolean;
}

/**
 * Opens the images, starts IDE-R serving them (drives at the next boot when rebooting, else as soon
 * as the host releases the bus), and with `reboot` runs the one-time boot. The images are closed
 * when the session ends. `nextBoot` is the boot feature's sentence when it rebooted.
 */
export async function serveImages(target: RedirectionTarget, o: ServeImages, signal?: AbortSignal): Promise<{ session: IderSession; route: string; images: DiskImage[]; nextBoot?: string }> {
  const images: DiskImage[] = [];
  const closeAll = () => Promise.all(images.map((i) => i.close()));
  let opened: { session: IderSession; route: string };
  try {
    const cd = o.cd ? await DiskImage.open(o.cd, 'cd') : undefined;
    if (cd) images.push(cd);
    const floppy = o.floppy ? await DiskImage.open(o.floppy, 'floppy') : undefined;
    if (floppy) images.push(floppy);
    opened = await openIder(target, { ...(cd ? { cd } : {}), ...(floppy ? { floppy } : {}), startMode: o.reboot ? 'next-boot' : 'graceful' }, signal);
  } catch (err) {
    await closeAll();
    throw err;
  }
  const { session, route } = opened;
  session.once('ended', () => void closeAll());
  if (!o.reboot) return { session, route, images };
  try {
    if (!target.wsman) throw new AmtError('redir.unsupported', `${target.label} cannot be told to boot from IDE-R here; serve the image without rebooting and boot the host from its BIOS.`);
    const nextBoot = await rebootToIder(await target.wsman(signal), o.cd ? 'ider-cd' : 'ider-floppy', signal);
    return { session, route, images, nextBoot };
  } catch (err) {
    await session.close();
    throw err;
  }
}
