/**
 * Serial-over-LAN after authentication (docs/simulator.md "Redirection"): 0x20 starts it with the
 * console's settings and is answered 0x21 (status 0, the settings echoed); then the host's serial
 * output goes to the console as 0x2A, the console's 0x28 data goes to the host's serial input,
 * 0x29 carries the control lines and the host's power (status bit 4 = powered) after the start
 * and on every power change, 0x24 keep-alive pings get 0x25, the console's 0x2B heartbeats and
 * its 0x27 settings message are taken and ignored, and 0x22 is answered 0x23.
 *
 * Timers: when the console asked for a heartbeat interval (0x20 bytes 18–19), the firmware sends
 * 0x2B at that interval (amtterm echoes them, and gives up after 20 s without data). A console
 * silent for longer than its HostSessionRxTimeout (bytes 14–15, when not 0) loses the session
 * (inferred: that setting's name; no source describes the firmware's reaction).
 */
import type { HostSerial } from '../host/links';
import type { Connection, KindHandler } from './session';
import { MSG, MAX_CHUNK, MIN_HEARTBEAT_MS, withHeader } from './wire';

const SOL_STATUS_POWERED = 0x04;

export function solHandler(conn: Connection): KindHandler {
  return new SolSession(conn);
}

class SolSession implements KindHandler {
  private running = false;
  private serial?: HostSerial;
  private maxTx = MAX_CHUNK;
  private heartbeat?: NodeJS.Timeout;
  private silence?: NodeJS.Timeout;
  private rxTimeoutMs = 0;
  private readonly onOutput = (bytes: Buffer) => this.output(bytes);
  private readonly onPower = () => this.controls();

  constructor(private readonly conn: Connection) {}

  handle(m: Buffer): void {
    this.heard();
    switch (m[0]) {
      case MSG.SolStart:
        return this.start(m);
      case MSG.SolSettings:
      case MSG.SolHeartbeat:
      case MSG.SolPong:
        return;
      case MSG.SolPing:
        return this.conn.send(withHeader(MSG.SolPong, m.readUInt32LE(4)));
      case MSG.SolDataToHost:
        if (!this.running) return this.conn.end('SOL data before StartSOLRedirection', true);
        this.serial?.input(Buffer.from(m.subarray(10)));
        return;
      case MSG.SolEnd:
        this.stop();
        this.conn.send(withHeader(MSG.SolEndReply, m.readUInt32LE(4)));
        return;
      default:
        return this.conn.end(`message 0x${m[0].toString(16)} is not part of a SOL session`, true);
    }
  }

  ended(): void {
    this.stop();
  }

  private start(m: Buffer): void {
    if (this.running) return this.conn.end('a second StartSOLRedirection', true);
    this.running = true;
    this.maxTx = Math.min(Math.max(m.readUInt16LE(8), 1), MAX_CHUNK);
    this.rxTimeoutMs = m.readUInt16LE(14);
    const heartbeatMs = m.readUInt16LE(18);
    // Reply: status 0, then the console's six settings echoed and three zero bytes (23 bytes).
    const reply = withHeader(MSG.SolStartReply, 0, Buffer.concat([m.subarray(8, 20), Buffer.alloc(3)]));
    this.conn.send(reply);
    this.serial = this.conn.ctx.links().serial;
    this.serial?.on('output', this.onOutput);
    this.serial?.on('power', this.onPower);
    this.conn.opened();
    this.controls();
    if (heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.conn.send(withHeader(MSG.SolHeartbeat, 0)), Math.max(heartbeatMs, MIN_HEARTBEAT_MS));
      this.heartbeat.unref();
    }
    this.heard();
  }

  private stop(): void {
    if (!this.running) return;
    this.running = false;
    this.serial?.off('output', this.onOutput);
    this.serial?.off('power', this.onPower);
    clearInterval(this.heartbeat);
    clearTimeout(this.silence);
  }

  /** Restarts the console-silence timer. */
  private heard(): void {
    if (!this.running || this.rxTimeoutMs === 0) return;
    clearTimeout(this.silence);
    this.silence = setTimeout(() => this.conn.end(`the console sent nothing for ${this.rxTimeoutMs} ms (its HostSessionRxTimeout)`, true), this.rxTimeoutMs);
    this.silence.unref();
  }

  private controls(): void {
    const powered = this.serial ? this.serial.powered : this.conn.device.powerState === 2;
    this.conn.send(withHeader(MSG.SolControls, 0, [0, powered ? SOL_STATUS_POWERED : 0]));
  }

  private output(bytes: Buffer): void {
    for (let at = 0; at < bytes.length; at += this.maxTx) {
      const part = bytes.subarray(at, at + this.maxTx);
      const len = Buffer.alloc(2);
      len.writeUInt16LE(part.length);
      this.conn.send(withHeader(MSG.SolDataFromHost, 0, Buffer.concat([len, part])));
    }
  }
}
