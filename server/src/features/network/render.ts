/** Network settings and the certificate store as text, for `amtwb network` and `amtwb certs list`. */
import type { CertificatesInfo, NetworkInfo, TlsInterfaceInfo } from '../../protocol';

const yesNo = (b: boolean | undefined) => (b === undefined ? '?' : b ? 'yes' : 'no');

export function tlsMode(t: TlsInterfaceInfo | undefined): string {
  if (!t) return 'not served';
  return !t.enabled ? 'off (plain HTTP)' : t.acceptNonSecure ? 'on, plain HTTP also accepted' : 'TLS only';
}

export function networkText(n: NetworkInfo): string {
  const lines: string[] = [];
  const w = n.wired;
  lines.push('Wired:');
  if (!w) lines.push('  not served');
  else {
    lines.push(`  MAC ${w.mac ?? '?'}, link ${w.linkUp ? 'up' : 'down'}, ${w.dhcp ? 'DHCP' : 'static'}${w.sharedIp ? ', IP shared with the host' : ''}`);
    if (w.ipAddress) lines.push(`  IP ${w.ipAddress}${w.subnetMask ? ` / ${w.subnetMask}` : ''}`);
    if (w.gateway) lines.push(`  Gateway ${w.gateway}`);
    const dns = [w.primaryDns, w.secondaryDns].filter(Boolean);
    if (dns.length) lines.push(`  DNS ${dns.join(', ')}`);
    if (w.linkPolicy.length) lines.push(`  Link policy ${w.linkPolicy.join(', ')}`);
  }
  lines.push('Wireless:');
  if (!n.wireless.present) lines.push('  none on this model');
  else {
    lines.push(`  MAC ${n.wireless.mac ?? '?'}, ${n.wireless.state ?? 'state unknown'}${n.wireless.linkPreference ? `, link owned by ${n.wireless.linkPreference}` : ''}`);
    if (n.wireless.profiles.length === 0) lines.push('  no Wi-Fi profiles');
    for (const p of n.wireless.profiles) lines.push(`  profile ${p.name}: SSID ${p.ssid ?? '?'}, ${p.authentication}, ${p.encryption}${p.priority !== undefined ? `, priority ${p.priority}` : ''}`);
  }
  lines.push('802.1x:');
  const x = n.ieee8021x.wired;
  lines.push(x ? `  wired ${x.enabled}${x.protocol ? `, ${x.protocol}` : ''}${x.username ? `, user ${x.username}` : ''}` : '  wired not served');
  for (const p of n.ieee8021x.wireless) lines.push(`  Wi-Fi profile ${p.name}${p.protocol ? `: ${p.protocol}` : ''}${p.username ? `, user ${p.username}` : ''}`);
  lines.push('TLS:');
  lines.push(`  remote (network): ${tlsMode(n.tls.remote)}${n.tls.remote?.mutualAuthentication ? ', mutual authentication' : ''}`);
  lines.push(`  local (host/LMS): ${tlsMode(n.tls.local)}`);
  lines.push(`  certificate: ${n.tls.certificate ?? 'none'}`);
  return lines.join('\n');
}

export function certificatesText(c: CertificatesInfo): string {
  const lines: string[] = [];
  lines.push(c.certificates.length ? 'Certificates:' : 'Certificates: none');
  for (const x of c.certificates) {
    const flags = [x.trustedRoot ? 'trusted root' : '', x.hasKey ? 'key held' : '', x.usedForTls ? 'used for TLS' : '', x.current ? '' : 'NOT VALID NOW'].filter(Boolean);
    lines.push(`  ${x.handle ?? x.instanceId}  ${x.subject}${flags.length ? `  [${flags.join(', ')}]` : ''}`);
    lines.push(`       issuer ${x.issuer}`);
    lines.push(`       valid ${x.validFrom.slice(0, 10)} to ${x.validTo.slice(0, 10)}, serial ${x.serialNumber}`);
    lines.push(`       SHA-256 ${x.fingerprint}`);
  }
  lines.push(c.keyPairs.length ? 'Key pairs:' : 'Key pairs: none');
  for (const k of c.keyPairs) {
    lines.push(`  ${k.handle ?? k.instanceId}  RSA ${k.bits ?? '?'} bits, SHA-256 ${k.fingerprint}${k.certificates.length ? `, certificate ${k.certificates.map((i) => /Handle: (\d+)/.exec(i)?.[1] ?? i).join(', ')}` : ', no certificate'}`);
  }
  return lines.join('\n');
}
