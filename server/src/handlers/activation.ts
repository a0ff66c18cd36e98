/** amt/activation/*: the local agent on the backend's machine (features/activation/), with progress notifications. */
import { activateAcm } from '../features/activation/acm';
import { activateCcm } from '../features/activation/ccm';
import { deactivate } from '../features/activation/deactivate';
import type { ActivationOptions } from '../features/activation/local';
import { localStatus, renderLocalStatus } from '../features/activation/status';
import { ActivationNotifications, ActivationRequests, type LocalMeiParams, type LocalStatusSummary } from '../protocol';
import type { HandlerHost } from './host';

export function registerActivationHandlers(host: HandlerHost): void {
  const options = (p: LocalMeiParams, signal: AbortSignal): ActivationOptions => ({
    ...(p.meiPath ? { meiPath: p.meiPath } : {}),
    signal,
    ...(p.progressId ? { progress: (step: string) => host.notify(ActivationNotifications.progress, { progressId: p.progressId!, step }) } : {}),
  });
  const summary = async (p: LocalMeiParams, signal: AbortSignal): Promise<LocalStatusSummary> => {
    const s = await localStatus({ ...(p.meiPath ? { meiPath: p.meiPath } : {}), signal });
    return {
      ...(s.controlMode ? { controlMode: s.controlMode } : {}),
      ...(s.provisioningState ? { provisioningState: s.provisioningState } : {}),
      ...(s.uuid ? { uuid: s.uuid } : {}),
      ...(s.amtVersion ? { amtVersion: s.amtVersion } : {}),
      ...(s.dnsSuffix !== undefined ? { dnsSuffix: s.dnsSuffix } : {}),
      text: renderLocalStatus(s),
    };
  };
  host.handle(ActivationRequests.status, (p, signal) => summary(p, signal));
  host.handle(ActivationRequests.activate, async (p, signal) => {
    const result = p.mode === 'acm'
      ? await activateAcm({ password: p.password, pfx: Buffer.from(p.certificate?.pfxBase64 ?? '', 'base64'), pfxName: p.certificate?.name ?? 'the certificate file', pfxPassword: p.certificate?.password ?? '' }, options(p, signal))
      : await activateCcm(p.password, options(p, signal));
    return { changed: result.changed, message: result.message, status: await summary(p, signal) };
  });
  host.handle(ActivationRequests.deactivate, async (p, signal) => {
    const result = await deactivate({ ...options(p, signal), ...(p.password ? { password: p.password } : {}) });
    return { changed: result.changed, message: result.message, status: await summary(p, signal) };
  });
}
