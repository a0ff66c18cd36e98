/**
 * Messages between the main thread (which hosts the FirmwareClients) and the worker that serves
 * /dev/fuse. Types only. Connection ids are per connect, never reused, so a late message for a
 * connection that a reset already dropped cannot reach its successor.
 */
import type { MessagePort } from 'node:worker_threads';
import type { FuseRequest } from './fuse-proto';

/** Which character device the worker emulates: /dev/mei0, or a mei_wdt watchdog (/dev/watchdogN). */
export type DeviceKind = 'mei' | 'watchdog';

/** What the worker needs to know about a client to answer CONNECT without the main thread. */
export interface ClientInfo {
  guid: string;
  maxMessageLength: number;
  protocolVersion: number;
  singleConnection: boolean;
}

export interface NodeAttributes {
  /** Permission bits of the emulated node (the file type bits are added by the device). */
  mode: number;
  uid: number;
  gid: number;
}

/** Worker → main. */
export type DeviceEvent =
  | { type: 'ready' }
  | { type: 'open'; conn: number; guid: string }
  | { type: 'message'; conn: number; data: Uint8Array }
  | { type: 'close'; conn: number }
  | { type: 'warning'; message: string }
  | { type: 'stopped' };

/**
 * Main → worker. `drop` and `reset` carry a sequence number that the worker stores in `ack` once
 * done, so the main thread can wait for them: after reset() returns, every syscall sees the reset.
 */
export type DeviceCommand =
  | { type: 'send'; conn: number; data: Uint8Array }
  | { type: 'drop'; conn: number; seq: number }
  | { type: 'reset'; seq: number }
  /** The firmware has taken one message of `conn` (sent only to devices that wait for it: watchdog). */
  | { type: 'handled'; conn: number }
  | { type: 'stop' };

export interface WorkerInput {
  fuseFd: number;
  /** eventfd the main thread writes to after posting a command, to wake the worker's poll(2). */
  wakeFd: number;
  port: MessagePort;
  /** Int32Array over a SharedArrayBuffer: [0] = seq of the last drop/reset handled. */
  ack: Int32Array;
  clients: ClientInfo[];
  attr: NodeAttributes;
  kind: DeviceKind;
}

/** What the worker drives: one emulated character device over decoded FUSE requests. */
export interface FuseDevice {
  handle(req: FuseRequest): void;
  firmwareSend(conn: number, data: Buffer): void;
  firmwareDrop(conn: number): void;
  reset(): void;
  /** The firmware has taken one message of `conn` (only devices created with acknowledgements). */
  handled?(conn: number): void;
  /** Time-driven work (e.g. replies held too long); returns the next Date.now() deadline, if any. */
  tick?(now: number): number | undefined;
}
