/**
 * Device snapshots: every served class's instances in one file (format.ts), taken with progress
 * and cancel (take.ts), compared with clocks and counters set aside (volatile.ts, diff.ts), and
 * rendered as text the CLI and the editor share (render.ts).
 */
export * from './format';
export { takeSnapshot, meansNotServed, SNAPSHOT_CONCURRENCY, type TakeOptions, type TakeProgress } from './take';
export { diffSnapshots } from './diff';
export { compareSnapshots, takeResult } from './compare';
export { renderSnapshot, renderDiff, VOLATILE_MARK } from './render';
export { volatility, type Volatility } from './volatile';
