/** Fleets behind Intel's MPS: servers, their device lists, bulk power state and actions. */
export { FleetServers, type FleetServerInfo } from './servers';
export { allDevices, deviceRow, listFleet, type FleetDeviceRow, type FleetPage, type FleetQuery } from './devices';
export { bulkPowerAction, bulkPowerState, type BulkItem, type BulkOptions, type BulkProgress, type BulkResult } from './bulk';
export { renderFleetPage, renderBulk } from './render';
