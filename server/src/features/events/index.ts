/** The events family: WS-Eventing subscriptions, the sink AMT pushes to, and the decoded events. */
export * from './subscribe';
export { EventStreams } from './streams';
