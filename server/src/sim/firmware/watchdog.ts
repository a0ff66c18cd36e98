/**
 * The simulated watchdog MEI client (GUID 05B79A6F-…, Linux drivers/watchdog/mei_wdt.c): start/heartbeat
 * arms the device's OS-health watchdog (SimDevice.watchdog) with the timeout it carries, stop
 * disarms it. With protocol version > 1 every start/heartbeat is answered with the start response
 * (status, wdstate), as mei_wdt expects; version 1 firmware answers nothing (the legacy driver).
 * The same client serves the "manageability" commands (Intel LMS, rpc-go) (IsChangeToAMTEnabled,
 * SetAmtOperationalState). Unknown messages get no answer.
 *
 * Closing the MEI connection does not stop the timer: only the stop message does (the kernel
 * driver sends it on close; a program talking MEI directly must send it itself).
 * Byte values are duplicated from the spec on purpose (no product imports in the simulator).
 */
import type { SimDevice } from '../device';
import type { FirmwareClient, FirmwareConnection, FirmwareSession } from '../mei/firmware';

export const WATCHDOG_GUID = '05b79a6f-4628-4d7f-899d-a91514cb32ab';

const MNG_CONTROL = 0x02;
const MNG_VERSION = 0x10;
const START_REQ = 0x13;
const START_RES = 0x83;
const STOP_REQ = 0x14;
const MANAGEABILITY = 0x05;
const IS_CHANGE_TO_AMT_ENABLED = 0x51;
const SET_AMT_OPERATIONAL_STATE = 0x53;
/** wdstate bit 0: the watchdog is not required (e.g. AMT disabled), so mei_wdt registers no device. */
const WDSTATE_NOT_REQUIRED = 0x01;

export interface WatchdogFirmwareOptions {
  /** The client's protocol version; > 1 means start/heartbeat get a response. Default 2. */
  protocolVersion?: number;
  /** Answer wdstate "not required" (AMT not enabled). Default false. */
  notRequired?: boolean;
  maxMessageLength?: number;
}

export class WatchdogFirmware implements FirmwareClient {
  readonly guid = WATCHDOG_GUID;
  readonly protocolVersion: number;
  readonly maxMessageLength: number;
  // mei_wdt holds a connection while user space may talk manageability commands over another
  // (whether real firmware allows that is not documented; we allow it).
  readonly singleConnection = false;
  notRequired: boolean;

  constructor(private readonly device: SimDevice, options: WatchdogFirmwareOptions = {}) {
    this.protocolVersion = options.protocolVersion ?? 2;
    this.maxMessageLength = options.maxMessageLength ?? 512;
    this.notRequired = options.notRequired ?? false;
  }

  open(connection: FirmwareConnection): FirmwareSession {
    return { onMessage: (m) => this.onMessage(m, connection), onClose: () => {} };
  }

  private onMessage(m: Buffer, connection: FirmwareConnection): void {
    if (m.length >= 4 && m[0] === MNG_CONTROL && m[3] === MNG_VERSION) {
      if (m[2] === START_REQ && m.length >= 6) return this.start(m.readUInt16LE(4), connection);
      if (m[2] === STOP_REQ) return this.device.watchdog.stop();
      return;
    }
    if (m.length >= 4 && m[0] === MANAGEABILITY && m[3] === MNG_VERSION) {
      if (m[2] === IS_CHANGE_TO_AMT_ENABLED) {
        // bit0 transition allowed, bit1 AMT operational, bit7 new interface version (Intel LMS MNGIsChangeToAMTEnabledCommand).
        return connection.send(Buffer.of(this.notRequired ? 0x81 : 0x83));
      }
      if (m[2] === SET_AMT_OPERATIONAL_STATE && m.length >= 5) {
        this.notRequired = m[4] === 0;
        const reply = Buffer.alloc(8);
        m.copy(reply, 0, 0, 4);
        return connection.send(reply); // header echo + u32 status 0
      }
    }
  }

  private start(timeoutSeconds: number, connection: FirmwareConnection): void {
    const status = this.notRequired || timeoutSeconds === 0 ? 1 : 0;
    if (status === 0) this.device.watchdog.heartbeat(timeoutSeconds);
    if (this.protocolVersion > 1) {
      // 02 <bytecount = 4> 83 10 <status> <wdstate>
      connection.send(Buffer.of(MNG_CONTROL, 4, START_RES, MNG_VERSION, status, this.notRequired ? WDSTATE_NOT_REQUIRED : 0));
    }
  }
}
