export { ApfSession, type ApfSessionOptions, type ApfTraceEvent, type ForwardedPort, type OpenChannelOptions } from './session';
export { ApfChannel } from './channel';
export { decode, encode, messageName, type ApfMessage, type ApfMessageType } from './codec';
export * from './constants';
