/**
 * Boot control: the one-time boot sequence (`bootOnce`), the next boot as the device has it
 * (`bootStatus`), One Click Recovery HTTPS boot (`httpsBoot`, AMT 16+) and Remote Platform Erase
 * (`platformErase`, AMT 16+). Every function takes the device's WS-Man client.
 */
export { bootOnce, isBootTarget, BOOT_TARGETS, type BootOnceOptions } from './once';
export { BootError } from './steps';
