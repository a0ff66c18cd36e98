/** What every operation handler receives. */
import type { SimDevice } from '../device';
import type { EnumerationContexts } from './enumeration';
import type { WsmanRequest } from './request';

export interface OpContext {
  readonly device: SimDevice;
  readonly contexts: EnumerationContexts;
  readonly req: WsmanRequest;
}

export const COMMON_PREFIX = 'h';
