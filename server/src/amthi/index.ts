export * from './commands';
export * from './status';
export * from './client';
export * from './mkhi';
export * from './info';
export type { CallOptions } from './exchange';
