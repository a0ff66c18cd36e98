/**
 * amt/kvm/screenshot and amt/kvm/type: one KVM session each, for the extension (features/kvm/).
 * The PNG travels base64. amt/kvm/openViewer mints the live viewer's websocket URL (features/kvm/wsRelay.ts).
 */
import { AmtError } from '../errors';
import { KEYSYM, ctrlAltDel, textToKeystrokes } from '../features/kvm/keysyms';
import { screenshot, typeKeys } from '../features/kvm/session';
import type { RedirectionTarget } from '../features/redirection/connect';
import { KvmRelayServer, viewerUrl } from '../features/kvm/wsRelay';
import { KvmRequests, KvmViewerRequests, type TargetParams } from '../protocol';
import { redirectionTarget } from '../targets/redirection';
import type { HandlerHost } from './host';

export function registerKvmHandlers(host: HandlerHost): void {
  const target = (p: TargetParams): RedirectionTarget => {
    const registry = host.registry;
    if (!registry.redirectionEndpoint) throw new AmtError('internal', 'This backend has no redirection transport; restart AMT Workbench.');
    return redirectionTarget({ redirectionEndpoint: registry.redirectionEndpoint.bind(registry), connect: registry.connect.bind(registry), info: registry.info.bind(registry) }, p.targetId, p.credentials);
  };

  host.handle(KvmRequests.screenshot, async (p, signal) => {
    const shot = await screenshot(target(p), { ...(p.format ? { format: p.format } : {}), ...(p.raw ? { rle: false } : {}) }, signal);
    return { png: shot.png.toString('base64'), width: shot.width, height: shot.height, route: shot.route };
  });

  host.handle(KvmRequests.type, async (p, signal) => {
    const strokes = textToKeystrokes(p.text ?? '');
    if (p.enter) strokes.push({ keysym: KEYSYM.ENTER, down: true }, { keysym: KEYSYM.ENTER, down: false });
    if (p.ctrlAltDel) strokes.push(...ctrlAltDel());
    if (strokes.length === 0) throw new AmtError('args.invalid', 'Nothing to type was given; give text, enter or ctrlAltDel.');
    const { route } = await typeKeys(target(p), strokes, signal);
    return { keys: strokes.length / 2, route };
  });

  // The live viewer: the webview connects to a one-time loopback websocket URL; the relay logs on.
  const relays = new KvmRelayServer();
  host.handle(KvmViewerRequests.open, async (p, signal) => {
    const t = target(p);
    return { ...(await viewerUrl(relays, t, signal)), label: t.label };
  });
  host.handle(KvmViewerRequests.revoke, (p) => {
    relays.revoke(p.token);
    return null;
  });
}
