/** The simulated firmware's MEI clients (LME/APF, AMTHI, MKHI) and the facts they report. */
export { LmeFirmware, LME_GUID, type LmeFirmwareOptions } from './lme';
export { AmthiFirmware, AMTHI_GUID } from './amthi';
export { MkhiFirmware, MKHI_GUID } from './mkhi';
export { sampleDeviceFacts, type DeviceFacts, type LanFacts, type CertHashFacts } from './facts';
export { WatchdogFirmware, WATCHDOG_GUID, type WatchdogFirmwareOptions } from './watchdog';
