export { readMessageLog, type LogClient } from './read';
export { decodeLogRecord } from './records';
export { newestFirst } from './order';
