/**
 * The simulated host's own network traffic, so System Defense has packets to match: a managed PC
 * that is on keeps resolving names, talks HTTPS to its servers, answers ARP and is pinged by the
 * network monitor. Each flow is a traffic.ts flow on the device clock; while the host is not on
 * (power state other than 2) its flows send nothing, as a sleeping or powered-off PC sends nothing.
 *
 * The addresses are the simulator's choices: the host is 192.168.1.50 on the wired port (0) and
 * 192.168.1.51 on the wireless one (1); its DNS server is 192.168.1.1, its web server 10.20.30.40.
 * Rates are packets per second of device time.
 *
 *   startHostTraffic(sim.device);   // amtwb sim and the editor's built-in simulator do this
 */
import type { SimDevice } from '../device';
import { simulateTraffic, type Flow, type FlowOptions } from './traffic';

const ip = (text: string) => Buffer.from(text.split('.').map(Number)).toString('hex').toUpperCase();

export const HOST_ADDRESS = ['192.168.1.50', '192.168.1.51'] as const;
export const DNS_SERVER = '192.168.1.1';
export const WEB_SERVER = '10.20.30.40';

/** The flows of one port: DNS both ways, HTTPS both ways, ARP, ping from the monitor. */
function portFlows(port: 0 | 1, scale: number): FlowOptions[] {
  const host = ip(HOST_ADDRESS[port]);
  const dns = ip(DNS_SERVER);
  const web = ip(WEB_SERVER);
  const udp = 17;
  const tcp = 6;
  return [
    { port, direction: 'tx', packetsPerSecond: 2 * scale, packet: { etherType: 0x0800, ipVersion: 4, protocol: udp, srcIp: host, dstIp: dns, srcPort: 50000, dstPort: 53 } },
    { port, direction: 'rx', packetsPerSecond: 2 * scale, packet: { etherType: 0x0800, ipVersion: 4, protocol: udp, srcIp: dns, dstIp: host, srcPort: 53, dstPort: 50000 } },
    { port, direction: 'tx', packetsPerSecond: 8 * scale, packet: { etherType: 0x0800, ipVersion: 4, protocol: tcp, srcIp: host, dstIp: web, srcPort: 50001, dstPort: 443 } },
    { port, direction: 'rx', packetsPerSecond: 12 * scale, packet: { etherType: 0x0800, ipVersion: 4, protocol: tcp, srcIp: web, dstIp: host, srcPort: 443, dstPort: 50001 } },
    { port, direction: 'rx', packetsPerSecond: 1 * scale, packet: { etherType: 0x0806 } },
    { port, direction: 'rx', packetsPerSecond: 1 * scale, packet: { etherType: 0x0800, ipVersion: 4, protocol: 1, srcIp: ip(DNS_SERVER), dstIp: host } },
  ];
}

const STARTED = new WeakMap<SimDevice, Flow[]>();

/** Starts the host's traffic on both ports (once per device); returns the flows. */
export function startHostTraffic(device: SimDevice): readonly Flow[] {
  const running = STARTED.get(device);
  if (running) return running;
  const flows = [...portFlows(0, 1), ...portFlows(1, 0.5)].map((f) => simulateTraffic(device, { ...f, when: () => device.powerState === 2 }));
  STARTED.set(device, flows);
  return flows;
}
