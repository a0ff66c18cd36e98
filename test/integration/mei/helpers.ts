/**
 * Shared set-up of the MEI tier: prerequisites (root and /dev/fuse), tiny firmware clients, and an
 * emulated device mounted over a file in a fresh temporary folder.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { mountEmulatedMei, type EmulatedMei, type EmulatedMeiOptions } from '../../../server/src/sim/mei/index';
import type { FirmwareClient, FirmwareConnection } from '../../../server/src/sim/mei/firmware';

export const ECHO_GUID = '12f80028-b4b7-4b2d-aca8-46e0ff65814c'; // AMTHI's GUID: byte order matters
export const SINGLE_GUID = '6733a4db-0476-4e7b-b3af-bcfc29bee7a7'; // LME's GUID
export const UNKNOWN_GUID = '00112233-4455-6677-8899-aabbccddeeff';
export const MAX_LEN = 4155;

/** Why the MEI tier cannot run here, or undefined when it can. */
export function missingPrerequisite(): string | undefined {
  if (process.platform !== 'linux') return `FUSE emulation of /dev/mei0 needs Linux (this is ${process.platform})`;
  if (!fs.existsSync('/dev/fuse')) return 'there is no /dev/fuse (load the fuse module)';
  if (process.getuid?.() !== 0) return 'mounting the emulated /dev/mei0 needs root (CAP_SYS_ADMIN)';
  return undefined;
}

/**
 * A suite that needs the FUSE-emulated device. Without root or /dev/fuse it fails in CI and is
 * skipped, loudly, elsewhere.
 */
export function meiSuite(name: string, body: () => void): void {
  const missing = missingPrerequisite();
  if (!missing) {
    // A regression here tends to hang (a syscall nobody answers); fail instead.
    describe(name, { timeout: 60_000 }, body);
  } else if (process.env.CI) {
    describe(name, () => it('has what the MEI tier needs (root and /dev/fuse)', () => assert.fail(`MEI tier cannot run: ${missing}.`)));
  } else {
    console.error(`\n${'!'.repeat(100)}\n!!! SKIPPING "${name}": ${missing}. Run as root on Linux with /dev/fuse; in CI this fails.\n${'!'.repeat(100)}\n`);
    describe(name, { skip: missing }, () => {});
  }
}

export interface RecordingClient extends FirmwareClient {
  /** Every host→firmware message, in order. */
  received: Buffer[];
  opened: number;
  closed: number;
  /** The firmware side of the most recent connection. */
  last?: FirmwareConnection;
}

/**
 * Echoes every message. `two:<x>` is answered with two messages (`<x>-1`, `<x>-2`) to show message
 * boundaries; `later:<ms>` is answered after a delay; `silent` gets no answer.
 */
export function echoClient(guid = ECHO_GUID, singleConnection = false): RecordingClient {
  const client: RecordingClient = {
    guid,
    protocolVersion: 3,
    maxMessageLength: MAX_LEN,
    singleConnection,
    received: [],
    opened: 0,
    closed: 0,
    open(connection) {
      client.opened++;
      client.last = connection;
      return {
        onMessage(message) {
          client.received.push(message);
          const text = message.toString();
          if (text.startsWith('two:')) {
            connection.send(Buffer.from(`${text.slice(4)}-1`));
            connection.send(Buffer.from(`${text.slice(4)}-2`));
          } else if (text.startsWith('later:')) {
            setTimeout(() => connection.send(Buffer.from('late')), Number(text.slice(6)));
          } else if (text !== 'silent') {
            connection.send(message);
          }
        },
        onClose() {
          client.closed++;
        },
      };
    },
  };
  return client;
}

/** A folder only this test uses, readable by everyone (so a child running as `nobody` can reach it). */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtwb-mei-'));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Mounts an emulated device at <fresh temp dir>/mei0. */
export async function mountTemp(clients: FirmwareClient[], options: Partial<EmulatedMeiOptions> = {}): Promise<EmulatedMei & { dir: string }> {
  const dir = tempDir();
  const device = await mountEmulatedMei({ path: path.join(dir, 'mei0'), clients, ...options });
  return Object.assign(device, { dir });
}

export function isMounted(p: string): boolean {
  return fs.readFileSync('/proc/mounts', 'utf8').split('\n').some((line) => line.split(' ')[1] === p);
}

/** Waits until `predicate` holds (the firmware runs on the event loop, a tick or two after a syscall). */
export async function eventually(predicate: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) assert.fail('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Unmounts and removes the temporary folder. */
export async function closeTemp(device: EmulatedMei & { dir: string }): Promise<void> {
  await device.close();
  assert.equal(isMounted(device.path), false, `${device.path} is still mounted after close()`);
  fs.rmSync(device.dir, { recursive: true, force: true });
}
