/** amt/network/* and amt/certs/*: features/network. The TLS lock-out check learns the route from the device list. */
import { addCertificate, addTrustedRoot, commitChanges, createCsr, generateKeyPair, listCertificates, readNetwork, setTls, type Route } from '../features/network';
import { CertificateRequests, NetworkRequests, type TargetParams } from '../protocol';
import { clientFor, type HandlerHost } from './host';

/** Plain HTTP over the network, plain through the host (local MEI/APF or LMS), or TLS; undefined when unknown. */
function routeOf(host: HandlerHost, p: TargetParams): Route | undefined {
  try {
    const info = host.registry.info(p.targetId);
    if (info.kind === 'local' || info.kind === 'lms') return 'plain-local';
    if (info.url?.startsWith('https:')) return 'tls';
    if (info.url?.startsWith('http:')) return 'plain-remote';
  } catch {
    // an unknown target fails in clientFor with its own sentence
  }
  return undefined;
}

export function registerNetworkHandlers(host: HandlerHost): void {
  host.handle(NetworkRequests.info, async (p, signal) => readNetwork(await clientFor(host, p, signal), { signal }));
  host.handle(NetworkRequests.setTls, async (p, signal) => {
    const route = routeOf(host, p);
    return setTls(await clientFor(host, p, signal), {
      interface: p.interface,
      ...(p.enabled !== undefined ? { enabled: p.enabled } : {}), ...(p.tlsOnly !== undefined ? { tlsOnly: p.tlsOnly } : {}),
      ...(p.mutualAuthentication !== undefined ? { mutualAuthentication: p.mutualAuthentication } : {}),
      ...(p.certificate !== undefined ? { certificate: p.certificate } : {}),
    }, { signal, ...(route ? { route } : {}), ...(p.confirmed ? { confirmed: true } : {}) });
  });
  host.handle(NetworkRequests.commit, async (p, signal) => commitChanges(await clientFor(host, p, signal), { signal }));
  host.handle(CertificateRequests.list, async (p, signal) => listCertificates(await clientFor(host, p, signal), { signal }));
  host.handle(CertificateRequests.addRoot, async (p, signal) => addTrustedRoot(await clientFor(host, p, signal), p.pem, { signal }));
  host.handle(CertificateRequests.add, async (p, signal) => addCertificate(await clientFor(host, p, signal), p.pem, { signal }));
  host.handle(CertificateRequests.generateKey, async (p, signal) => generateKeyPair(await clientFor(host, p, signal), { signal }));
  host.handle(CertificateRequests.csr, async (p, signal) =>
    createCsr(await clientFor(host, p, signal), p.keyPair, {
      commonName: p.commonName,
      ...(p.organization ? { organization: p.organization } : {}), ...(p.organizationalUnit ? { organizationalUnit: p.organizationalUnit } : {}),
      ...(p.country ? { country: p.country } : {}),
    }, p.signingAlgorithm ?? 1, { signal }));
}
