/**
 * A small simulated traffic source for System Defense: flows of identical packets at a rate, on
 * the device clock, matched against the filters of the policy active on their interface (the
 * filter fields of AMT_Hdr8021Filter and AMT_IPHeadersFilter, Intel AMT SDK class pages).
 *
 *   const flow = simulateTraffic(sim.device, { port: 0, direction: 'rx', packetsPerSecond: 10,
 *     packet: { etherType: 0x0800, ipVersion: 4, protocol: 17, srcIp: '0a000001', dstIp: '0a000002', dstPort: 53 } });
 *   sim.device.advance(5000);   // 50 packets; flow.passed / flow.dropped; counters move
 *
 * The first matching filter (in FilterCreationHandles order, same direction) decides:
 * FilterProfile 0 count + pass, 1 count + drop, 2 rate limit (FilterProfileData packets/s,
 * counted), 3 pass, 4 drop. Unmatched packets follow the policy's Tx/RxDefaultDrop. A filter with
 * ActionEventOnMatch logs, on its first match since activation, a Message Log record with sensor
 * type 36 (EventData: 0xAA wired / interface, then the filter handle big-endian) and raises
 * iAMT0001 (MeshCommander amt-0.2.0.js `_GetEventDetailStr`; lms `defaultAlerts.h`).
 */
import type { SimDevice } from '../device';
import type { PropMap } from '../values';
import { activePolicy, findPolicy, policyFilters, recompute, sdState, type FilterRef } from './model';

export interface Packet {
  /** Ethernet type: 0x0800 IPv4, 0x0806 ARP, 0x86DD IPv6. */
  etherType: number;
  srcMac?: string;
  dstMac?: string;
  vlanId?: number;
  priority?: number;
  ipVersion?: 4 | 6;
  /** IP protocol number (6 TCP, 17 UDP). */
  protocol?: number;
  /** Addresses as hex octets, as the filters hold them (e.g. `C0A80001`). */
  srcIp?: string;
  dstIp?: string;
  srcPort?: number;
  dstPort?: number;
}

export interface FlowOptions {
  port: number;
  direction: 'tx' | 'rx';
  packetsPerSecond: number;
  packet: Packet;
  /** Sends only while this holds (e.g. the host is on); the packets owed meanwhile are never sent. */
  when?: () => boolean;
}

export interface Flow extends FlowOptions {
  /** Packets sent, let through and dropped so far. */
  sent: number;
  passed: number;
  dropped: number;
  stop(): void;
}

interface Running { flow: Flow; last: number; carry: number }

const FLOWS = new WeakMap<SimDevice, Running[]>();

export function simulateTraffic(device: SimDevice, options: FlowOptions): Flow {
  if (!(options.packetsPerSecond > 0)) throw new RangeError('A traffic flow needs a positive packetsPerSecond.');
  const list = FLOWS.get(device) ?? [];
  FLOWS.set(device, list);
  const running: Running = {
    flow: { ...options, sent: 0, passed: 0, dropped: 0, stop: () => list.splice(list.indexOf(running), 1) },
    last: device.now(),
    carry: 0,
  };
  list.push(running);
  return running.flow;
}

/** Sends the packets each flow owes since the last tick (run from the class refresh hook). */
export function tickTraffic(device: SimDevice): void {
  const list = FLOWS.get(device);
  if (!list?.length) return;
  recompute(device);
  const now = device.now();
  for (const r of list) {
    const exact = ((now - r.last) * r.flow.packetsPerSecond) / 1000 + r.carry;
    const n = Math.floor(exact);
    r.carry = exact - n;
    const seconds = (now - r.last) / 1000;
    r.last = now;
    if (n > 0 && (r.flow.when?.() ?? true)) deliver(device, r.flow, n, seconds);
  }
}

function deliver(device: SimDevice, flow: Flow, n: number, seconds: number): void {
  flow.sent += n;
  const policyId = activePolicy(device, flow.port);
  const policy = policyId === undefined ? undefined : findPolicy(device, policyId);
  if (!policy || policyId === undefined) {
    flow.passed += n;
    return;
  }
  const dir = flow.direction === 'tx' ? 0 : 1;
  const hit = policyFilters(device, policy).find((f) => Number(f.props.FilterDirection) === dir && matches(f, flow.packet));
  if (!hit) {
    const drop = policy[flow.direction === 'tx' ? 'TxDefaultDrop' : 'RxDefaultDrop'] === true;
    if (drop) flow.dropped += n;
    else flow.passed += n;
    return;
  }
  const profile = Number(hit.props.FilterProfile);
  let pass = profile === 0 || profile === 3 ? n : 0;
  if (profile === 2) pass = Math.min(n, Math.floor(Number(hit.props.FilterProfileData ?? 0) * seconds));
  flow.passed += pass;
  flow.dropped += n - pass;
  const key = `${flow.port}|${policyId}|${String(hit.props.InstanceID)}`;
  const s = sdState(device);
  const counter = (s.counters[key] ??= { count: 0, matched: false, lastReset: s.active[flow.port]?.since ?? device.now() });
  if (profile <= 2) counter.count = (counter.count + n) >>> 0;
  if (!counter.matched && hit.props.ActionEventOnMatch === true) matchedEvent(device, flow.port, Number(hit.props.InstanceID));
  counter.matched = true;
}

function matchedEvent(device: SimDevice, port: number, handle: number): void {
  const h = [(handle >>> 24) & 0xff, (handle >>> 16) & 0xff, (handle >>> 8) & 0xff, handle & 0xff];
  device.addLogRecord({ sensorType: 36, eventType: 0x6f, eventOffset: 0, entity: 7, eventData: [port === 0 ? 0xaa : port, ...h, 0, 0, 0] });
  device.eventing.raise({ messageId: 'iAMT0001', messageArguments: [String(handle)], perceivedSeverity: 2, alertType: 8 });
}

// ---- matching ---------------------------------------------------------------------------------

function matches(f: FilterRef, p: Packet): boolean {
  return f.className === 'AMT_Hdr8021Filter' ? matchesHdr(f.props, p) : matchesIp(f.props, p);
}

function matchesHdr(f: PropMap, p: Packet): boolean {
  if (Number(f.HdrProtocolID8021) !== p.etherType) return false;
  if (f.HdrVLANID8021 !== undefined && Number(f.HdrVLANID8021) !== p.vlanId) return false;
  if (f.HdrPriorityValue8021 !== undefined && Number(f.HdrPriorityValue8021) !== p.priority) return false;
  const mac = (s?: string) => (s === undefined ? undefined : Buffer.from(s.replace(/[-:]/g, ''), 'hex'));
  const b64 = (v: unknown) => (v === undefined ? undefined : Buffer.from(String(v), 'base64'));
  return masked(b64(f.HdrSrcMACAddr8021), b64(f.HdrSrcMACMask8021), mac(p.srcMac)) && masked(b64(f.HdrDestMACAddr8021), b64(f.HdrDestMACMask8021), mac(p.dstMac));
}

function matchesIp(f: PropMap, p: Packet): boolean {
  const ipTypes = p.etherType === 0x0800 ? 4 : p.etherType === 0x86dd ? 6 : undefined;
  if (ipTypes === undefined || Number(f.HdrIPVersion ?? ipTypes) !== (p.ipVersion ?? ipTypes)) return false;
  if (f.HdrProtocolID !== undefined && Number(f.HdrProtocolID) !== p.protocol) return false;
  const hex = (v: unknown) => (v === undefined ? undefined : Buffer.from(String(v), 'hex'));
  const addr = (base: unknown, end: unknown, mask: unknown, ip?: string) => {
    const packet = hex(ip);
    if (base === undefined) return true;
    if (!packet) return false;
    if (end !== undefined) return Buffer.compare(packet, hex(base)!) >= 0 && Buffer.compare(packet, hex(end)!) <= 0;
    return masked(hex(base), hex(mask), packet);
  };
  const range = (start: unknown, end: unknown, port?: number) =>
    start === undefined || (port !== undefined && port >= Number(start) && port <= Number(end ?? start));
  return (
    addr(f.HdrSrcAddress, f.HdrSrcAddressEndOfRange, f.HdrSrcMask, p.srcIp) &&
    addr(f.HdrDestAddress, f.HdrDestAddressEndOfRange, f.HdrDestMask, p.dstIp) &&
    range(f.HdrSrcPortStart, f.HdrSrcPortEnd, p.srcPort) &&
    range(f.HdrDestPortStart, f.HdrDestPortEnd, p.dstPort)
  );
}

/** value & mask == want & mask (no filter value: anything matches; no mask: all bits). */
function masked(want: Buffer | undefined, mask: Buffer | undefined, value: Buffer | undefined): boolean {
  if (!want) return true;
  if (!value || value.length !== want.length) return false;
  return want.every((b, i) => (b & (mask?.[i] ?? 0xff)) === (value[i] & (mask?.[i] ?? 0xff)));
}
