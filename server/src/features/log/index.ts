export { readMessageLog, type LogClient } from './read';
export { decodeLogRecord } from './records';
