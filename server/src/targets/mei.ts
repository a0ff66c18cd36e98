/**
 * The MEI pieces features reach hardware through (DESIGN.md: features -> targets -> mei): a
 * connection to a firmware client by GUID (the watchdog client), the libc calls a watchdog device
 * file needs, errno names, and the GUID byte layout AMT uses on the wire. Features import these
 * from here, never from mei/ itself, so every hardware path a feature takes is visible in targets/.
 */
export { openMei, type OpenMeiOptions } from '../mei/device';
export type { MeiConnection } from '../mei/types';
export { meiLibc, O_CLOEXEC, type MeiLibc } from '../mei/libc';
export { Errno, errnoName } from '../mei/errno';
export { guidToUuidLe } from '../mei/guid';
