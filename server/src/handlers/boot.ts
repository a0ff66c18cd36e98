/**
 * amt/boot/* and the redirection switches and user consent of amt/redirection/features,
 * setFeatures and amt/consent/*: each maps onto features/boot, features/consent and
 * features/redirection/features.ts. An erase is confirmed by the name the user typed, which must
 * be the device's AMT host name, its label in the device list, or the host of its URL.
 */
import { bootOnce, bootStatus, httpsBoot, platformErase } from '../features/boot';
import { cancelConsent, sendConsentCode, startConsent } from '../features/consent';
import { readRedirectionFeatures, setRedirectionFeatures } from '../features/redirection/features';
import { BootRequests, RedirectionRequests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerBootHandlers(host: HandlerHost): void {
  host.handle(BootRequests.status, async (p, signal) => bootStatus(await clientFor(host, p, signal), { signal }));
  host.handle(BootRequests.set, async (p, signal) => bootOnce(await clientFor(host, p, signal), p, { signal }));
  host.handle(BootRequests.https, async (p, signal) => httpsBoot(await clientFor(host, p, signal), p, { signal }));
  host.handle(BootRequests.erase, async (p, signal) => {
    const client = await clientFor(host, p, signal);
    return platformErase(client, { ...p, knownNames: knownNames(host, p.targetId) }, { signal });
  });
  host.handle(RedirectionRequests.features, async (p, signal) => readRedirectionFeatures(await clientFor(host, p, signal), { signal }));
  host.handle(RedirectionRequests.setFeatures, async (p, signal) => setRedirectionFeatures(await clientFor(host, p, signal), p, { signal }));
  host.handle(RedirectionRequests.consentStart, async (p, signal) => startConsent(await clientFor(host, p, signal), { signal }));
  host.handle(RedirectionRequests.consentCode, async (p, signal) => sendConsentCode(await clientFor(host, p, signal), p.code, { signal }));
  host.handle(RedirectionRequests.consentCancel, async (p, signal) => cancelConsent(await clientFor(host, p, signal), { signal }));
}

/** The label and URL host the device list knows the target by. */
function knownNames(host: HandlerHost, targetId: string): string[] {
  const info = host.registry.info(targetId);
  const names = [info.label];
  if (info.url) {
    try {
      names.push(new URL(info.url).hostname.replace(/^\[|\]$/g, ''));
    } catch {
      // A URL the registry accepted always parses; nothing to add otherwise.
    }
  }
  return names;
}
