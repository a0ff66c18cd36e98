/**
 * Open enumeration contexts of one simulated device. A context holds a snapshot of the items taken
 * at Enumerate time; it lapses after `enumerationContextTtlMs` of device-clock time without a Pull,
 * is gone after its last page or a Release, and the least recently used one is dropped when too
 * many are open (real AMT's limits are not documented; docs/simulator.md "Enumeration").
 */
import type { ServedInstance, SimDevice } from '../device';

export type EnumerationMode = 'object' | 'epr' | 'objectAndEpr';

export interface EnumerationState {
  readonly id: string;
  readonly resourceUri: string;
  readonly mode: EnumerationMode;
  /** Items not yet pulled. */
  readonly pending: ServedInstance[];
  lastUsed: number;
}

export class EnumerationContexts {
  private readonly open = new Map<string, EnumerationState>();

  constructor(private readonly device: SimDevice) {}

  create(resourceUri: string, items: ServedInstance[], mode: EnumerationMode): EnumerationState {
    this.dropExpired();
    while (this.open.size >= this.device.settings.maxEnumerationContexts) {
      const oldest = [...this.open.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0];
      this.open.delete(oldest.id);
    }
    const state: EnumerationState = {
      id: this.device.nextEnumerationContextId(),
      resourceUri,
      mode,
      pending: items,
      lastUsed: this.device.now(),
    };
    this.open.set(state.id, state);
    return state;
  }

  /** The live context, or undefined when unknown, released, finished or expired. */
  use(id: string): EnumerationState | undefined {
    this.dropExpired();
    const state = this.open.get(id);
    if (state) state.lastUsed = this.device.now();
    return state;
  }

  close(id: string): boolean {
    return this.open.delete(id);
  }

  get size(): number {
    return this.open.size;
  }

  private dropExpired(): void {
    const limit = this.device.now() - this.device.settings.enumerationContextTtlMs;
    for (const [id, s] of this.open) if (s.lastUsed < limit) this.open.delete(id);
  }
}
