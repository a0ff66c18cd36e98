/**
 * CommitChanges for TLS (Intel AMT SDK: AMT_SetupAndConfigurationService.CommitChanges applies
 * the staged AMT_TLSSettingData and AMT_TLSCredentialContext). Run on the device's `commit` event,
 * which the method emits once it succeeded (a request refused before it, e.g. by the caller's
 * realms, commits nothing); the TLS port then presents the configured certificate, and plain HTTP
 * is refused where AcceptNonSecureConnections is false.
 */
import type { SimDevice } from '../device';
import { CERT_CLASS, privateKeyFor, selectedId } from '../classes/certificates';
import { LOCAL_TLS, REMOTE_TLS, TLS_CONTEXT } from '../classes/tls';
import { securityState } from './state';
import { pem } from './der';

export function commitTls(device: SimDevice): void {
  const tls = securityState(device).tls;
  const settings = device.instances('AMT_TLSSettingData');
  const remote = settings.find((s) => s.InstanceID === REMOTE_TLS);
  const local = settings.find((s) => s.InstanceID === LOCAL_TLS);
  const context = device.instances(TLS_CONTEXT)[0];
  const cert = context && device.instances(CERT_CLASS).find((c) => c.InstanceID === selectedId(context.ElementInContext));
  const key = cert && privateKeyFor(device, cert);
  tls.certPem = cert && key ? pem('CERTIFICATE', Buffer.from(String(cert.X509Certificate), 'base64')) : undefined;
  tls.keyPem = cert && key ? key : undefined;
  tls.remoteEnabled = remote?.Enabled === true;
  tls.remoteAcceptsPlain = !tls.remoteEnabled || remote?.AcceptNonSecureConnections !== false;
  tls.localEnabled = local?.Enabled === true;
  tls.localAcceptsPlain = !tls.localEnabled || local?.AcceptNonSecureConnections !== false;
}

/** Applies TLS settings at every successful CommitChanges; `applied` runs afterwards (e.g. to reload the TLS port). */
export function onCommit(device: SimDevice, applied: () => void): void {
  device.on('commit', () => {
    commitTls(device);
    applied();
  });
}
