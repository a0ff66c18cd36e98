/**
 * The watchdog family: the iAMT OS watchdog of this machine (device.ts opens it, session.ts arms,
 * heartbeats and keeps it alive, sessions.ts maps targets to devices for the Watchdog view) and
 * agent presence over WS-Man (agents.ts: AMT_AgentPresenceWatchdog).
 */
export { IAMT_WATCHDOG, checkTimeout, findIamtWatchdog, findHolders, openWatchdog, readWatchdogInfo, type FindWatchdogOptions, type KeepAliveOptions, type WatchdogHandle, type WatchdogInfo } from './device';
export { WatchdogSession, keepWatchdogAlive, type SessionDevice, type SessionSnapshot } from './session';
export { WatchdogSessions, type WatchdogSessionsHost, type WatchdogSessionsOptions, type WatchdogSettings } from './sessions';
export * from './agents';
