/**
 * Boot control: the one-time boot sequence (`bootOnce`), the next boot as the device has it
 * (`bootStatus`), One Click Recovery HTTPS boot (`httpsBoot`, AMT 16+) and Remote Platform Erase
 * (`platformErase`, AMT 16+). Every function takes the device's WS-Man client; refusals are
 * BootError (an AmtError that also carries the steps sent so far).
 */
export { bootOnce, isBootTarget, BOOT_TARGETS, type BootOnceOptions } from './once';
export { bootStatus, supportedTargets } from './status';
export { httpsBoot, platformErase, deviceNames, ERASE_ACTIONS, OCR_HTTPS_SOURCE, type PlatformEraseOptions } from './recovery';
export { encodeTlvs, decodeTlvs, httpsBootTlvs, eraseTlvs, OCR_PARAM, type Tlv } from './tlv';
export { BootError } from './steps';
