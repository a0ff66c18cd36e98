/**
 * System Defense filters (Intel AMT SDK createanipfilter.htm; MeshCommander's "Add filter" dialog):
 * a filter as a user gives it (DefenseFilterSpec) checked and turned into the properties of a
 * WS-Transfer Create of AMT_IPHeadersFilter or AMT_Hdr8021Filter — the placeholder keys AMT
 * replaces, then FilterProfile (0 count+pass, 1 count+drop, 2 rate limit, 3 pass, 4 drop),
 * FilterDirection (0 Tx, 1 Rx), ActionEventOnMatch and what to match — and a served filter back
 * into words.
 */
import { AmtError } from '../../errors';
import type { DefenseFilter, DefenseFilterSpec, DefenseProfile } from '../../protocol';
import type { WsInput, WsValue } from '../../wsman/types';
import { addressText, parseAddressRule, parsePortRange, prefixOf } from './addresses';

export const IP_FILTER = 'AMT_IPHeadersFilter';
export const HDR_FILTER = 'AMT_Hdr8021Filter';
export const NAME_MAX = 16;

export const PROFILES: readonly DefenseProfile[] = ['count-pass', 'count-drop', 'rate-limit', 'pass', 'drop'];
export const PROFILE_LABELS: Readonly<Record<DefenseProfile, string>> = {
  'count-pass': 'Count and pass', 'count-drop': 'Count and drop', 'rate-limit': 'Rate limit', pass: 'Pass', drop: 'Drop',
};

const PROTOCOLS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 };
const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6' };
const ETHER_TYPES: Readonly<Record<string, number>> = { ip: 0x0800, ipv4: 0x0800, arp: 0x0806, ipv6: 0x86dd };
const ETHER_NAMES: Readonly<Record<number, string>> = { 0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6' };

export function checkName(name: string, what: 'filter' | 'policy'): string {
  const n = name.trim();
  if (n.length === 0 || n.length > NAME_MAX) throw new AmtError('defense.invalid', `A ${what} name must be 1 to ${NAME_MAX} characters long, and "${n}" is ${n.length}; shorten or fill it in.`);
  return n;
}

/** The Create properties of a filter, in the order AMT's schema lists them; refuses bad input in one sentence. */
export function filterProperties(spec: DefenseFilterSpec): { className: string; properties: Record<string, WsInput> } {
  const name = checkName(spec.name ?? '', 'filter');
  if (spec.direction !== 'tx' && spec.direction !== 'rx') throw new AmtError('defense.invalid', `A filter's direction is "tx" (outgoing) or "rx" (incoming), not "${String(spec.direction)}"; pick one.`);
  const profile = PROFILES.indexOf(spec.profile);
  if (profile < 0) throw new AmtError('defense.invalid', `A filter's action is one of ${PROFILES.join(', ')}, not "${String(spec.profile)}"; pick one.`);
  let rate: number | undefined;
  if (spec.profile === 'rate-limit') {
    rate = Number(spec.rate);
    if (!Number.isInteger(rate) || rate < 1 || rate > 0xfffffffe) throw new AmtError('defense.invalid', `A rate-limit filter needs a rate of 1 to 4294967294 packets per second, not "${String(spec.rate ?? '')}"; enter one.`);
  }
  const head: Record<string, WsInput> = { CreationClassName: 0, InstanceID: 0, Name: name, SystemCreationClassName: 0, SystemName: 0 };
  const tail: Record<string, WsInput> = {
    FilterProfile: profile, FilterDirection: spec.direction === 'tx' ? 0 : 1, ActionEventOnMatch: spec.eventOnMatch === true,
    ...(rate !== undefined ? { FilterProfileData: rate } : {}),
  };
  if (spec.kind === 'ethernet') {
    const type = etherType(spec.etherType ?? 'ip');
    return { className: HDR_FILTER, properties: { ...head, HdrProtocolID8021: type, ...tail } };
  }
  if (spec.kind !== 'ip') throw new AmtError('defense.invalid', `A filter is "ip" (IP headers) or "ethernet" (EtherType), not "${String(spec.kind)}"; pick one.`);
  const own: Record<string, WsInput> = {};
  const src = blank(spec.source) ? undefined : parseAddressRule(spec.source!, 'source address');
  const dst = blank(spec.destination) ? undefined : parseAddressRule(spec.destination!, 'destination address');
  const versions = new Set([src?.version, dst?.version, spec.ipVersion].filter((v) => v !== undefined));
  if (versions.size > 1) throw new AmtError('defense.invalid', 'The filter mixes IPv4 and IPv6 (in its addresses or its IP version); make them all the same version.');
  const version = [...versions][0] ?? 4;
  if (version !== 4 && version !== 6) throw new AmtError('defense.invalid', `The IP version is 4 or 6, not "${String(version)}"; pick one.`);
  own.HdrIPVersion = version;
  if (src) Object.assign(own, { HdrSrcAddress: src.address, ...(src.end ? { HdrSrcAddressEndOfRange: src.end } : {}), ...(src.mask ? { HdrSrcMask: src.mask } : {}) });
  if (dst) Object.assign(own, { HdrDestAddress: dst.address, ...(dst.end ? { HdrDestAddressEndOfRange: dst.end } : {}), ...(dst.mask ? { HdrDestMask: dst.mask } : {}) });
  const protocol = blank(spec.protocol) ? undefined : protocolNumber(spec.protocol!);
  if (protocol !== undefined) own.HdrProtocolID = protocol;
  const ports = !blank(spec.sourcePort) || !blank(spec.destinationPort);
  if (ports && protocol !== 6 && protocol !== 17) throw new AmtError('defense.invalid', 'Ports only exist in TCP and UDP; set the protocol to tcp or udp, or leave the ports empty.');
  if (!blank(spec.sourcePort)) {
    const [a, b] = parsePortRange(spec.sourcePort!, 'source port');
    Object.assign(own, { HdrSrcPortStart: a, HdrSrcPortEnd: b });
  }
  if (!blank(spec.destinationPort)) {
    const [a, b] = parsePortRange(spec.destinationPort!, 'destination port');
    Object.assign(own, { HdrDestPortStart: a, HdrDestPortEnd: b });
  }
  return { className: IP_FILTER, properties: { ...head, ...own, ...tail } };
}

function blank(v: string | undefined): boolean {
  return v === undefined || String(v).trim() === '';
}

function protocolNumber(text: string): number {
  const t = text.trim().toLowerCase();
  const n = PROTOCOLS[t] ?? (/^\d{1,3}$/.test(t) ? Number(t) : NaN);
  if (!(n >= 0 && n <= 255)) throw new AmtError('defense.invalid', `The protocol "${text}" is not tcp, udp, icmp or a number from 0 to 255; write one of those.`);
  return n;
}

function etherType(text: string): number {
  const t = text.trim().toLowerCase();
  const n = ETHER_TYPES[t] ?? (/^(0x[0-9a-f]{1,4}|\d{1,5})$/.test(t) ? Number(t) : NaN);
  if (!(n >= 0 && n <= 0xffff)) throw new AmtError('defense.invalid', `The EtherType "${text}" is not ip, arp, ipv6 or a number up to 0xFFFF; write one of those.`);
  return n;
}

// ---- a served filter, in words ----------------------------------------------------------------

function text(v: WsValue | undefined): string {
  return typeof v === 'string' ? v.trim() : '';
}

function num(v: WsValue | undefined): number | undefined {
  const t = text(v);
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

function addressWords(p: Record<string, WsValue>, side: 'Src' | 'Dest'): string | undefined {
  const a = text(p[`Hdr${side}Address`]);
  if (!a) return undefined;
  const end = text(p[`Hdr${side}AddressEndOfRange`]);
  if (end) return `${addressText(a)}-${addressText(end)}`;
  const mask = text(p[`Hdr${side}Mask`]);
  const prefix = mask ? prefixOf(mask) : undefined;
  if (mask && prefix !== Buffer.from(a, 'hex').length * 8) return `${addressText(a)}/${prefix ?? addressText(mask)}`;
  return addressText(a);
}

function portWords(p: Record<string, WsValue>, side: 'Src' | 'Dest'): string | undefined {
  const a = num(p[`Hdr${side}PortStart`]);
  if (a === undefined) return undefined;
  const b = num(p[`Hdr${side}PortEnd`]) ?? a;
  return a === b ? `port ${a}` : `ports ${a}-${b}`;
}

/** A served filter (its class and properties) as the protocol shows it. */
export function describeFilter(className: string, p: Record<string, WsValue>, usedBy: string[]): DefenseFilter {
  const profile = PROFILES[num(p.FilterProfile) ?? 0] ?? 'count-pass';
  let matches: string;
  if (className === HDR_FILTER) {
    const t = num(p.HdrProtocolID8021) ?? 0;
    matches = `EtherType ${ETHER_NAMES[t] ?? `0x${t.toString(16).padStart(4, '0')}`}`;
  } else {
    const proto = num(p.HdrProtocolID);
    const parts = [`IPv${num(p.HdrIPVersion) ?? 4}`, proto === undefined ? 'any protocol' : PROTOCOL_NAMES[proto] ?? `protocol ${proto}`];
    const src = [addressWords(p, 'Src'), portWords(p, 'Src')].filter(Boolean).join(' ');
    const dst = [addressWords(p, 'Dest'), portWords(p, 'Dest')].filter(Boolean).join(' ');
    if (src) parts.push(`from ${src}`);
    if (dst) parts.push(`to ${dst}`);
    matches = parts.join(' ');
  }
  const rate = num(p.FilterProfileData);
  return {
    id: text(p.InstanceID), className: className === HDR_FILTER ? HDR_FILTER : IP_FILTER, kind: className === HDR_FILTER ? 'ethernet' : 'ip',
    name: text(p.Name), direction: num(p.FilterDirection) === 0 ? 'tx' : 'rx', profile,
    ...(profile === 'rate-limit' && rate !== undefined ? { rate } : {}),
    eventOnMatch: text(p.ActionEventOnMatch) === 'true', matches, usedBy,
  };
}
