/**
 * TLS settings changes (AMT_TLSSettingData for the remote 802.3 and the local LMS interface, and
 * AMT_TLSCredentialContext for the certificate TLS presents). AMT stages them: nothing changes on
 * the wire until AMT_SetupAndConfigurationService.CommitChanges.
 *
 * TLS-only (Enabled with AcceptNonSecureConnections false) on the interface the console reaches
 * the device through over plain HTTP refuses that console's next connection: this is refused with
 * `network.lockout` unless confirmed.
 */
import { AmtError } from '../../errors';
import type { NetworkChange } from '../../protocol';
import type { CallOptions } from '../../wsman/client';
import { resourceUriFor } from '../../wsman/namespaces';
import { isEpr, type EndpointReference, type WsInput } from '../../wsman/types';
import { instancesOf, LOCAL_TLS_ID, refId, REMOTE_TLS_ID, type NetworkClient } from './settings';

/** How the console reaches the device now: plain HTTP over the network, plain through the host (LMS/APF), or TLS. */
export type Route = 'plain-remote' | 'plain-local' | 'tls';

export interface TlsChange {
  interface: 'remote' | 'local';
  enabled?: boolean;
  tlsOnly?: boolean;
  mutualAuthentication?: boolean;
  certificate?: string;
}

export interface TlsChangeOptions extends CallOptions {
  route?: Route;
  confirmed?: boolean;
}

const COLLECTION = 'TLSProtocolEndpoint Instances Collection';

export async function setTls(client: NetworkClient, change: TlsChange, opts: TlsChangeOptions = {}): Promise<NetworkChange> {
  if (change.interface !== 'remote' && change.interface !== 'local') {
    throw new AmtError('network.invalid', `"${String(change.interface)}" is not a TLS interface; use remote (the network) or local (the host through LMS).`);
  }
  const id = change.interface === 'remote' ? REMOTE_TLS_ID : LOCAL_TLS_ID;
  const settings = await instancesOf(client, 'AMT_TLSSettingData', opts);
  const current = settings.find((s) => s.InstanceID === id);
  if (!current) throw new AmtError('network.unavailable', `The device serves no AMT_TLSSettingData "${id}", so its TLS settings cannot be changed here.`);
  const enabled = change.enabled ?? current.Enabled === 'true';
  const wasEnabled = current.Enabled === 'true';
  // Turning TLS on without saying keeps plain HTTP (the safe side); otherwise the setting as it is.
  const acceptPlain = change.tlsOnly !== undefined ? !change.tlsOnly : wasEnabled ? current.AcceptNonSecureConnections !== 'false' : true;
  if (change.tlsOnly && !enabled) throw new AmtError('network.invalid', 'TLS-only needs TLS enabled on that interface; enable it in the same change.');
  const plainRoute = change.interface === 'remote' ? 'plain-remote' : 'plain-local';
  if (enabled && !acceptPlain && !opts.confirmed && (opts.route === undefined || opts.route === plainRoute)) {
    throw new AmtError('network.lockout', `TLS-only on the ${change.interface} interface refuses plain HTTP once committed, and this console ${opts.route ? 'reaches the device over plain HTTP that way' : 'may reach the device over plain HTTP that way'}; connect over TLS (port 16993) first or go on knowingly.`);
  }
  const contexts = await instancesOf(client, 'AMT_TLSCredentialContext', opts);
  if (change.certificate !== undefined) {
    const certs = await instancesOf(client, 'AMT_PublicKeyCertificate', opts);
    if (!certs.some((c) => c.InstanceID === change.certificate)) {
      throw new AmtError('network.invalid', `The device stores no certificate "${change.certificate}"; pick one from "amtwb certs list".`);
    }
  }
  if (enabled && !contexts.length && change.certificate === undefined) {
    throw new AmtError('network.invalid', 'TLS needs a certificate and the device has none configured for it; name one with its key (amtwb certs list shows which have keys).');
  }
  const props: Record<string, WsInput> = {};
  for (const [k, v] of Object.entries(current)) if (v !== null) props[k] = v;
  props.Enabled = enabled;
  props.AcceptNonSecureConnections = acceptPlain;
  if (change.mutualAuthentication !== undefined) props.MutualAuthentication = change.mutualAuthentication;
  await client.put('AMT_TLSSettingData', props, { InstanceID: id }, opts);
  let certNote = '';
  if (change.certificate !== undefined && refId(contexts[0]?.ElementInContext) !== change.certificate) {
    for (const c of contexts) {
      const a = c.ElementInContext;
      const b = c.ElementProvidingContext;
      if (isEpr(a) && isEpr(b)) await client.delete('AMT_TLSCredentialContext', { ElementInContext: a, ElementProvidingContext: b }, opts);
    }
    const cert: EndpointReference = { kind: 'epr', address: '', resourceUri: resourceUriFor('AMT_PublicKeyCertificate'), selectors: { InstanceID: change.certificate } };
    const coll: EndpointReference = { kind: 'epr', address: '', resourceUri: resourceUriFor('AMT_TLSProtocolEndpointCollection'), selectors: { ElementName: COLLECTION } };
    await client.create('AMT_TLSCredentialContext', { ElementInContext: cert, ElementProvidingContext: coll }, opts);
    certNote = ` presenting ${change.certificate}`;
  }
  const mode = !enabled ? 'TLS off' : acceptPlain ? 'TLS on, plain HTTP still accepted' : 'TLS only';
  return { message: `Staged ${mode} on the ${change.interface} interface${certNote}; commit the changes for them to take effect.` };
}

export async function commitChanges(client: NetworkClient, opts: CallOptions = {}): Promise<NetworkChange> {
  const r = await client.invoke('AMT_SetupAndConfigurationService', 'CommitChanges', {}, undefined, opts);
  if (r.returnValue !== 0) {
    throw new AmtError('network.refused', `The device refused to commit the staged changes (CommitChanges ReturnValue ${r.returnValue}: ${r.returnMeaning}); check the TLS settings and certificate, then commit again.`);
  }
  return { message: 'Committed the staged settings; the device applies them now.' };
}
