/**
 * The Network page (MeshCommander's network and security pages): wired and wireless settings,
 * Wi-Fi profiles, 802.1x, TLS on the remote and local interfaces (staged, then committed), and the
 * certificate store — certificates decoded from DER (subject, issuer, validity, SHA-256) and key
 * pairs — with adding a trusted root from pasted PEM, generating a key pair, a CSR the device
 * signs (saved into the workspace), and choosing the TLS certificate. TLS-only on the interface
 * the Workbench uses is confirmed in a modal first (lockout.ts).
 */
import { CertificateRequests, NetworkRequests, type CertificatesInfo, type NetworkInfo, type TlsInterfaceInfo } from '../../../server/src/protocol';
import { badge, button, form, html, keyValues, section, table, type Safe } from './html';
import { withLockoutConfirm } from './lockout';
import type { PageAction, PageContext, PageSpec } from './page';

export interface NetworkPageData { network: NetworkInfo; certs: CertificatesInfo }

const yes = (b: boolean | undefined) => (b === undefined ? '—' : b ? 'yes' : 'no');

function tlsBadge(t: TlsInterfaceInfo | undefined): Safe {
  if (!t) return badge('not served', 'info');
  if (!t.enabled) return badge('off (plain HTTP)', 'warn');
  return t.acceptNonSecure ? badge('on, plain HTTP too', 'ok') : badge('TLS only', 'ok');
}

function tlsButtons(which: 'remote' | 'local', t: TlsInterfaceInfo | undefined): Safe {
  if (!t) return html``;
  return html`${!t.enabled || !t.acceptNonSecure ? button('TLS with plain HTTP', 'tls', { interface: which, enabled: true, tlsOnly: false }) : ''}
${!(t.enabled && !t.acceptNonSecure) ? button('TLS only…', 'tls', { interface: which, enabled: true, tlsOnly: true }) : ''}
${t.enabled ? button('TLS off', 'tls', { interface: which, enabled: false }) : ''}`;
}

const tls: PageAction<NetworkPageData> = async (page, _data, input, ui) => {
  const a = (input.args ?? {}) as { interface?: 'remote' | 'local'; enabled?: boolean; tlsOnly?: boolean; certificate?: string };
  const r = await withLockoutConfirm(ui, 'Stage TLS only', (confirmed) => page.request(NetworkRequests.setTls, {
    targetId: page.targetId, interface: a.interface ?? 'remote',
    ...(a.enabled !== undefined ? { enabled: a.enabled } : {}), ...(a.tlsOnly !== undefined ? { tlsOnly: a.tlsOnly } : {}),
    ...(a.certificate !== undefined ? { certificate: a.certificate } : {}), ...(confirmed ? { confirmed } : {}),
  }));
  return r ? r.message : 'Nothing was staged.';
};

const commit: PageAction<NetworkPageData> = async (page) => (await page.request(NetworkRequests.commit, { targetId: page.targetId })).message;

const addRoot: PageAction<NetworkPageData> = async (page, _data, input) => {
  const pem = String(input.fields.pem ?? '').trim();
  if (!pem) throw new Error('Paste a PEM certificate (-----BEGIN CERTIFICATE----- …) into the box first.');
  return (await page.request(CertificateRequests.addRoot, { targetId: page.targetId, pem })).message;
};

const keygen: PageAction<NetworkPageData> = async (page) => (await page.request(CertificateRequests.generateKey, { targetId: page.targetId })).message;

const csr: PageAction<NetworkPageData> = async (page, _data, input, ui) => {
  const keyPair = String((input.args as { keyPair?: string } | undefined)?.keyPair ?? '');
  const cn = await ui.input('Certificate request', `Common name (CN) for the request signed by ${keyPair}`, page.label);
  if (!cn) return 'No request was made: the common name box was dismissed.';
  const r = await page.request(CertificateRequests.csr, { targetId: page.targetId, keyPair, commonName: cn });
  const handle = /Handle: (\d+)/.exec(keyPair)?.[1] ?? 'key';
  const saved = await ui.saveFile(`amt-key-${handle}.csr.pem`, r.pem);
  return saved ? `${r.message} Saved to ${saved}.` : r.message;
};

const savePem: PageAction<NetworkPageData> = async (_page, data, input, ui) => {
  const id = (input.args as { instanceId?: string } | undefined)?.instanceId;
  const c = data?.certs.certificates.find((x) => x.instanceId === id);
  if (!c) throw new Error('That certificate is no longer listed; refresh the page.');
  const saved = await ui.saveFile(`amt-certificate-${c.handle ?? 'x'}.pem`, c.pem);
  return saved ? `Saved the certificate to ${saved}.` : undefined;
};

function certificatesTable(d: NetworkPageData): Safe {
  const rows = d.certs.certificates.map((c) => [
    String(c.handle ?? c.instanceId),
    html`<span class="subject">${c.subject}</span><br><small>issuer ${c.issuer}</small>`,
    html`${c.validFrom.slice(0, 10)} → ${c.validTo.slice(0, 10)}${c.current ? '' : html` ${badge('not valid now', 'bad')}`}`,
    html`<code title="${c.fingerprint}">${c.fingerprint.slice(0, 23)}…</code>`,
    html`${c.trustedRoot ? badge('trusted root', 'info') : ''} ${c.hasKey ? badge('key held', 'ok') : ''} ${c.usedForTls ? badge('TLS', 'ok') : ''}`,
    html`${c.hasKey && !c.usedForTls ? button('Use for TLS', 'tls', { interface: 'remote', certificate: c.instanceId }) : ''} ${button('Save PEM', 'savePem', { instanceId: c.instanceId })}`,
  ]);
  return table(['Handle', 'Subject', 'Valid', 'SHA-256', '', ''], rows, 'No certificates.', 'certificates');
}

function keysTable(d: NetworkPageData): Safe {
  const rows = d.certs.keyPairs.map((k) => [
    String(k.handle ?? k.instanceId),
    k.bits ? `RSA ${k.bits}` : 'RSA',
    html`<code title="${k.fingerprint}">${k.fingerprint.slice(0, 23)}…</code>`,
    k.certificates.length ? k.certificates.map((i) => /Handle: (\d+)/.exec(i)?.[1] ?? i).join(', ') : 'none',
    button('Certificate request…', 'csr', { keyPair: k.instanceId }),
  ]);
  return table(['Handle', 'Key', 'SHA-256 of the public key', 'Certificates', ''], rows, 'No key pairs.', 'keypairs');
}

function render(d: NetworkPageData): Safe {
  const n = d.network;
  const w = n.wired;
  return html`
${section('Wired', w ? keyValues([
  ['MAC address', w.mac ?? '—'], ['Link', w.linkUp ? badge('up', 'ok') : badge('down', 'warn')], ['DHCP', yes(w.dhcp)],
  ['IP address', w.ipAddress ?? (w.sharedIp ? 'shared with the host' : '—')], ['Subnet mask', w.subnetMask ?? '—'], ['Gateway', w.gateway ?? '—'],
  ['DNS', [w.primaryDns, w.secondaryDns].filter(Boolean).join(', ') || '—'], ['Link policy', w.linkPolicy.join(', ') || '—'],
]) : html`<p class="empty">The device serves no wired port settings.</p>`, undefined, 'wired')}
${section('Wireless', n.wireless.present ? html`${keyValues([
  ['MAC address', n.wireless.mac ?? '—'], ['State', n.wireless.state ?? '—'], ['Link owned by', n.wireless.linkPreference ?? '—'],
])}${table(['Profile', 'SSID', 'Security', 'Encryption', 'Priority'], n.wireless.profiles.map((p) => [p.name, p.ssid ?? '—', p.authentication, p.encryption, p.priority === undefined ? '—' : String(p.priority)]), 'No Wi-Fi profiles.', 'wifi-profiles')}` : html`<p class="empty">This model has no Wi-Fi.</p>`, undefined, 'wireless')}
${section('802.1x', html`${keyValues([
  ['Wired', n.ieee8021x.wired ? `${n.ieee8021x.wired.enabled}${n.ieee8021x.wired.protocol ? `, ${n.ieee8021x.wired.protocol}` : ''}${n.ieee8021x.wired.username ? `, user ${n.ieee8021x.wired.username}` : ''}` : 'not served'],
])}${n.ieee8021x.wireless.length ? table(['Wi-Fi profile', 'Protocol', 'User'], n.ieee8021x.wireless.map((p) => [p.name, p.protocol ?? '—', p.username ?? '—'])) : ''}`, undefined, 'ieee8021x')}
${section('TLS', keyValues([
  ['Remote (network)', tlsBadge(n.tls.remote), tlsButtons('remote', n.tls.remote)],
  ['Local (host, LMS)', tlsBadge(n.tls.local), tlsButtons('local', n.tls.local)],
  ['Certificate', n.tls.certificate ?? 'none'],
]), button('Commit changes', 'commit', undefined, { primary: true, confirm: 'Apply the staged TLS settings now (CommitChanges)?' }), 'tls')}
${section('Certificates', certificatesTable(d), button('Generate key pair', 'keygen'), 'certificates-section')}
${section('Key pairs', keysTable(d), undefined, 'keypairs-section')}
${section('Add a trusted root', form('add-root', [{ name: 'pem', label: 'PEM certificate', kind: 'textarea', placeholder: '-----BEGIN CERTIFICATE-----' }], button('Add trusted root', 'addRoot', undefined, { primary: true })), undefined, 'add-root-section')}`;
}

export const NETWORK_PAGE: PageSpec<NetworkPageData> = {
  kind: 'network',
  title: 'Network',
  icon: 'globe',
  async load(page: PageContext) {
    const [network, certs] = await Promise.all([
      page.request(NetworkRequests.info, { targetId: page.targetId }),
      page.request(CertificateRequests.list, { targetId: page.targetId }),
    ]);
    return { network, certs };
  },
  render,
  actions: { tls, commit, addRoot, keygen, csr, savePem },
};
