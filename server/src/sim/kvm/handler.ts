/**
 * The KVM session kind of the redirection service (spec: redirection.md §5.1): after log-on the
 * console sends `40 00 00 00 00 00 00 00`, the firmware answers 0x41 with seven zero bytes, and
 * from then on the stream is plain RFB in both directions (rfb.ts), drawn from the host's screen
 * (framebuffer.ts). Keys go into the host's console as SOL's do; Ctrl-Alt-Del resets the host
 * through the device's power path, as a host OS rebooting itself. Disabling KVM
 * (CIM_KVMRedirectionSAP.RequestStateChange 3) ends a running session.
 */
import type { SimDevice } from '../device';
import { POWER } from '../power-states';
import type { Connection, KindHandler } from '../redirection/session';
import { MSG } from '../redirection/wire';
import { framebufferOf } from './framebuffer';
import { RfbServer } from './rfb';

export function kvmHandler(conn: Connection): KindHandler {
  return new KvmSession(conn);
}

class KvmSession implements KindHandler {
  rawInput?: (bytes: Buffer) => void;
  private rfb?: RfbServer;
  private readonly onFeature = ({ kind, enabled }: { kind: string; enabled: boolean }) => {
    if (kind === 'KVMR' && !enabled) this.conn.end('KVM was disabled (CIM_KVMRedirectionSAP.RequestStateChange 3)');
  };

  constructor(private readonly conn: Connection) {}

  private get device(): SimDevice {
    return this.conn.device;
  }

  handle(m: Buffer): void {
    if (m[0] !== MSG.IderStart) return this.conn.end(`message 0x${m[0].toString(16)} is not part of a KVM session`, true);
    const links = this.conn.ctx.links();
    const fb = framebufferOf(this.device, links.screen);
    this.rfb = new RfbServer(fb, {
      send: (b) => this.conn.send(b),
      end: (reason, error) => this.conn.end(reason, error),
      keys: (b) => links.serial?.input(b),
      ctrlAltDel: () => {
        if (this.device.powerState === POWER.On) this.device.requestPowerStateChange(POWER.MasterBusReset, 'host');
      },
    });
    this.rawInput = (bytes) => this.rfb?.data(bytes);
    this.device.on('redirection-feature', this.onFeature);
    this.conn.send(Buffer.from([MSG.IderStartReply, 0, 0, 0, 0, 0, 0, 0]));
    this.conn.opened();
    this.rfb.start();
  }

  ended(): void {
    this.rfb?.stop();
    this.device.off('redirection-feature', this.onFeature);
  }
}
