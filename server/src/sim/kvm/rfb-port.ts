/**
 * Standard RFB on port 5900 (spec redirection.md §1, §6.1): what off-the-shelf VNC viewers use when
 * IPS_KVMRedirectionSettingData.Is5900PortEnabled is true. No Intel redirection handshake: the
 * connection speaks RFB 3.8 at once and authenticates with VNC authentication against the
 * RFBPassword last written (write-only; reads back empty). The port refuses connections (closes
 * them) while 5900 is off, no RFB password is set, KVM is disabled (CIM_KVMRedirectionSAP), or
 * user consent is required and not given — the last is inferred: a VNC viewer cannot ask for it,
 * so a console gets consent over WS-Man first. One viewer at a time, as on 16994.
 */
import net from 'node:net';
import type { SimDevice } from '../device';
import { POWER } from '../power-states';
import { featureEnabled } from '../redirection/session';
import { writtenValue } from '../write-only';
import { framebufferOf } from './framebuffer';
import { RfbServer } from './rfb';

const OPT_IN_RECEIVED = 3;
const OPT_IN_IN_SESSION = 4;

/** Why port 5900 refuses a viewer now, or undefined when it takes one. */
export function rfbPortRefusal(device: SimDevice): string | undefined {
  const settings = device.instances('IPS_KVMRedirectionSettingData')[0];
  if (!settings || settings.EnabledByMEBx === false) return 'KVM is disabled in MEBx';
  if (settings.Is5900PortEnabled !== true) return 'port 5900 is not enabled (Is5900PortEnabled is false)';
  if (!writtenValue(device, 'IPS_KVMRedirectionSettingData', 'RFBPassword')) return 'no RFB password is set';
  if (!featureEnabled(device, 'KVMR')) return 'KVM is disabled (CIM_KVMRedirectionSAP)';
  const optIn = device.instances('IPS_OptInService')[0];
  if (optIn && Number(optIn.OptInRequired ?? 0) !== 0 && optIn.OptInState !== OPT_IN_RECEIVED && optIn.OptInState !== OPT_IN_IN_SESSION) return 'user consent has not been given';
  return undefined;
}

export class RfbPort {
  port?: number;
  private server?: net.Server;
  private busy?: net.Socket;

  constructor(private readonly device: SimDevice) {}

  /** The reason the last refused viewer was turned away (for tests and `amtwb sim` output). */
  lastRefusal?: string;

  async listen(port: number, host: string): Promise<number> {
    const server = net.createServer((socket) => this.serve(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const a = server.address();
    this.port = typeof a === 'object' && a ? a.port : port;
    return this.port;
  }

  close(): Promise<void> {
    this.busy?.destroy();
    const server = this.server;
    return server ? new Promise((resolve) => server.close(() => resolve())) : Promise.resolve();
  }

  private serve(socket: net.Socket): void {
    socket.on('error', () => socket.destroy());
    const refusal = rfbPortRefusal(this.device) ?? (this.busy ? 'another viewer holds the KVM session' : undefined);
    if (refusal) {
      this.lastRefusal = refusal;
      return void socket.destroy();
    }
    this.busy = socket;
    const password = writtenValue(this.device, 'IPS_KVMRedirectionSettingData', 'RFBPassword')!;
    const serial = this.device.host.serial;
    const rfb = new RfbServer(framebufferOf(this.device, serial), {
      send: (b) => void (socket.writable && socket.write(b)),
      end: () => {
        if (this.busy === socket) this.busy = undefined;
        socket.end();
      },
      keys: (b) => serial.input(b),
      ctrlAltDel: () => {
        if (this.device.powerState === POWER.On) this.device.requestPowerStateChange(POWER.MasterBusReset, 'host');
      },
    }, 'Intel(r) AMT KVM', password);
    const onFeature = ({ kind, enabled }: { kind: string; enabled: boolean }) => {
      if (kind === 'KVMR' && !enabled) socket.destroy();
    };
    this.device.on('redirection-feature', onFeature);
    socket.on('data', (b) => rfb.data(b));
    // The viewer hung up (FIN): the session is over for the next viewer even before 'close'.
    socket.on('end', () => {
      if (this.busy === socket) this.busy = undefined;
      socket.destroy();
    });
    socket.on('close', () => {
      rfb.stop();
      this.device.off('redirection-feature', onFeature);
      if (this.busy === socket) this.busy = undefined;
    });
    rfb.start();
  }
}
