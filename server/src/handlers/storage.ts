/** amt/storage/*: firmware components and third-party data storage (features/storage/). */
import { addEnterprise, allocateBlock, freeBlock, readBlock, readStorage, removeApplication, writeBlock } from '../features/storage';
import { StorageRequests } from '../protocol';
import { clientFor, type HandlerHost } from './host';

export function registerStorageHandlers(host: HandlerHost): void {
  host.handle(StorageRequests.report, async (p, signal) => readStorage(await clientFor(host, p, signal), { signal }));
  host.handle(StorageRequests.addEnterprise, async (p, signal) => addEnterprise(await clientFor(host, p, signal), p.name, { signal }));
  host.handle(StorageRequests.allocate, async (p, signal) =>
    allocateBlock(await clientFor(host, p, signal), { name: p.name, size: p.size, ...(p.hidden !== undefined ? { hidden: p.hidden } : {}) }, { signal }));
  host.handle(StorageRequests.read, async (p, signal) =>
    readBlock(await clientFor(host, p, signal), { block: p.block, ...(p.offset !== undefined ? { offset: p.offset } : {}), ...(p.count !== undefined ? { count: p.count } : {}) }, { signal }));
  host.handle(StorageRequests.write, async (p, signal) =>
    writeBlock(await clientFor(host, p, signal), { block: p.block, data: Buffer.from(p.data, 'base64'), ...(p.offset !== undefined ? { offset: p.offset } : {}) }, { signal }));
  host.handle(StorageRequests.free, async (p, signal) => freeBlock(await clientFor(host, p, signal), p.block, { signal }));
  host.handle(StorageRequests.removeApplication, async (p, signal) => removeApplication(await clientFor(host, p, signal), p.application, { signal }));
}
