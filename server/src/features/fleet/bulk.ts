/**
 * Bulk actions over an MPS's devices, with progress and cancel:
 * - power state of many devices (GET /api/v1/amt/power/state per device, a few at a time); a
 *   device that fails (not connected, its tunnel dropped mid-request) is reported as that device's
 *   error and the others go on;
 * - one power action on a selection, only when the caller confirms the exact device count; each
 *   device gets the action once (never retried), and the outcome per device is reported.
 * Cancelling stops starting new requests; requests under way are aborted.
 */
import { AmtError, describeError } from '../../errors';
import { Catalog } from '../../catalog/catalog';
import type { MpsClient } from '../../targets/mps';
import { isPowerAction, POWER_ACTIONS, type PowerAction } from '../power';

export interface BulkItem {
  guid: string;
  ok: boolean;
  /** CIM PowerState and its label (power state) or the action's ReturnValue (power action). */
  value?: number;
  label?: string;
  error?: string;
}

export interface BulkProgress {
  done: number;
  total: number;
  item: BulkItem;
}

export interface BulkOptions {
  signal?: AbortSignal;
  /** Requests in flight at once; default 8. */
  concurrency?: number;
  onProgress?: (p: BulkProgress) => void;
}

export interface BulkResult {
  items: BulkItem[];
  /** True when cancelled before every device was done (the rest are missing from items). */
  cancelled: boolean;
}

async function eachLimited(guids: readonly string[], o: BulkOptions, work: (guid: string, signal: AbortSignal) => Promise<BulkItem>): Promise<BulkResult> {
  const items: BulkItem[] = [];
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  const worker = async () => {
    while (next < guids.length && !inner.signal.aborted) {
      const guid = guids[next++]!;
      let item: BulkItem;
      try {
        item = await work(guid, inner.signal);
      } catch (err) {
        if (inner.signal.aborted) return;
        item = { guid, ok: false, error: describeError(err) };
      }
      items.push(item);
      o.onProgress?.({ done: items.length, total: guids.length, item });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 8, guids.length) }, worker));
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  const order = new Map(guids.map((g, i) => [g, i]));
  items.sort((a, b) => order.get(a.guid)! - order.get(b.guid)!);
  return { items, cancelled: items.length < guids.length };
}

export function bulkPowerState(client: MpsClient, guids: readonly string[], o: BulkOptions = {}, catalog = Catalog.default()): Promise<BulkResult> {
  return eachLimited(guids, o, async (guid, signal) => {
    const value = await client.powerState(guid, signal);
    return { guid, ok: true, value, label: catalog.valueLabel('CIM_AssociatedPowerManagementService', 'PowerState', value) ?? `Unknown (${value})` };
  });
}

/** The action on every device of `guids`; `confirmCount` must equal their number. */
export async function bulkPowerAction(
  client: MpsClient,
  guids: readonly string[],
  action: PowerAction,
  confirmCount: number,
  o: BulkOptions = {},
  catalog = Catalog.default(),
): Promise<BulkResult> {
  if (!isPowerAction(action)) {
    throw new AmtError('power.invalid-action', `"${String(action)}" is not a power action; use one of ${Object.keys(POWER_ACTIONS).join(', ')}.`);
  }
  if (guids.length === 0) throw new AmtError('fleet.confirm', 'No devices are selected; select the devices to act on first.');
  if (confirmCount !== guids.length) {
    throw new AmtError('fleet.confirm', `The action "${action}" would reach ${guids.length} device${guids.length === 1 ? '' : 's'}, but ${confirmCount} was confirmed; confirm with exactly ${guids.length}.`);
  }
  return eachLimited(guids, o, async (guid, signal) => {
    const { returnValue, text } = await client.powerAction(guid, POWER_ACTIONS[action], signal);
    const label = text ?? catalog.valueLabel('CIM_PowerManagementService', 'RequestPowerStateChange', returnValue) ?? String(returnValue);
    return returnValue === 0
      ? { guid, ok: true, value: returnValue, label }
      : { guid, ok: false, value: returnValue, error: `The device refused "${action}" (ReturnValue ${returnValue}: ${label}).` };
  });
}
