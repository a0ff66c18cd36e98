/**
 * IDE-R boot of the simulated host over a real IDE-R session (redirection service on a TCP port,
 * 127.0.0.1): a console written here from the protocol (spec redirection.md §4) serves an ISO made
 * by xorriso; the host's BIOS reads it through 0x50 CommandWritten / 0x54 DataToHost / 0x51
 * CommandEndResponse, boots it, the installer records its label, and the next OS banner shows it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import type { AtapiResult } from '../../../server/src/sim/host/links';
import { FakeIderBus } from '../../unit/sim/host/fake-ider';
import { ConsoleReader, oneTimeBoot } from '../../unit/sim/host/helpers';
import { Console, header } from './redirection/console';

const XORRISO = '/usr/bin/xorriso';
const skip = existsSync(XORRISO) ? false : 'xorriso is not installed at /usr/bin/xorriso, so no ISO image can be made';
let sim: Simulator;
let dir = '';
let image = Buffer.alloc(0);

before(async () => {
  if (skip && process.env.CI === 'true') throw new Error('xorriso is missing at /usr/bin/xorriso; install it (apt-get install xorriso) so the IDE-R tests can build ISO images.');
  sim = await startSimulator({ port: 0, redirectionPort: 0, hostLineDelayMs: 0, name: 'iderhost' });
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'amtwb-ider-e2e-'));
  mkdirSync(join(dir, 'cd'));
  writeFileSync(join(dir, 'cd', 'boot.img'), Buffer.alloc(2048, 0xeb));
  writeFileSync(join(dir, 'cd', 'packages.bin'), Buffer.alloc(200 * 1024, 0x42));
  execFileSync(XORRISO, ['-as', 'mkisofs', '-V', 'REMOTE_UPDATE_7', '-b', 'boot.img', '-no-emul-boot', '-o', join(dir, 'os.iso'), join(dir, 'cd')], { stdio: 'ignore' });
  image = readFileSync(join(dir, 'os.iso'));
});
after(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The console's side of IDE-R: answers each 0x50 from the image, as MeshCommander's tables do. */
class IderConsole {
  private seq = 0;
  commands = 0;
  constructor(
    private readonly c: Console,
    private readonly drive: FakeIderBus,
  ) {}

  send(type: number, body: Buffer | number[] = [], attributes = 0): void {
    this.c.send(header(type, this.seq++, body, attributes));
  }

  async open(): Promise<void> {
    assert.deepEqual(await this.c.logOn('IDER', DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password), { start: 0, auth: 0 });
    const start = Buffer.alloc(10);
    start.writeUInt16LE(30_000, 0); // RxTimeout
    start.writeUInt16LE(0, 2);
    start.writeUInt16LE(0, 4); // no heartbeats
    this.send(0x40, start);
    await this.c.expect(0x41);
    const toggle = Buffer.alloc(5);
    toggle[0] = 3;
    toggle.writeUInt32LE(0x01 | 0x18, 1); // enable the drives, start now
    this.send(0x48, toggle);
    await this.c.expect(0x49);
  }

  /** Serves commands until the connection closes. */
  async serve(): Promise<void> {
    for (;;) {
      let m: Buffer;
      try {
        m = await this.c.next();
      } catch {
        return;
      }
      if (m[0] === 0x46) this.send(0x47);
      if (m[0] !== 0x50) continue;
      this.commands += 1;
      const device = m[14] & 0x10 ? 'cd' : 'floppy';
      const r = await this.drive.packet(device, m.subarray(16, 28), 0xffff * 2048);
      this.answer(m[14], r);
    }
  }

  private answer(drv: number, r: AtapiResult): void {
    const regs = (last: boolean) => (r.sense ? [0x87, r.sense.key << 4, 3, 0, 0, 0, drv, 0x51] : last ? [0x85, 0, 3, 0, 0, 0, drv, 0x50] : [0, 0, 0, 0, 0, 0, 0, 0]);
    const sense = r.sense ? [r.sense.key, r.sense.asc, r.sense.ascq] : [0, 0, 0];
    if (r.data.length === 0 || r.sense) {
      this.send(0x51, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...(r.sense ? [0x87, r.sense.key << 4, 3, 0, 0, 0, drv, 0x51] : [0xc5, 0, 3, 0, 0, 0, drv, 0x50]), ...sense], 2);
      return;
    }
    for (let at = 0; at < r.data.length; at += 8192) {
      const chunk = r.data.subarray(at, at + 8192);
      const last = at + 8192 >= r.data.length;
      const body = Buffer.alloc(26 + chunk.length);
      body.writeUInt16LE(chunk.length, 1);
      Buffer.from([0xb5, 0, 2, 0, chunk.length & 0xff, chunk.length >> 8, drv, 0x58]).copy(body, 4);
      Buffer.from(regs(last)).copy(body, 12);
      Buffer.from(sense).copy(body, 20);
      chunk.copy(body, 26);
      this.send(0x54, body, last ? 2 : 0);
    }
  }
}

test('a console serves an ISO over IDE-R; the host boots it, installs its label, and reboots into it', { skip }, async () => {
  const host = new ConsoleReader(sim.device);
  const c = await Console.tcp(sim.redirectionPort!);
  try {
    const ider = new IderConsole(c, new FakeIderBus({ cd: image }));
    await ider.open();
    const served = ider.serve();
    oneTimeBoot(sim.device, { UseIDER: true, IDERBootDevice: 1 });
    await host.expect('Booting from IDE-R CD: REMOTE_UPDATE_7');
    await host.expect('Installing REMOTE_UPDATE_7: 100%');
    await host.expect('medium ejected');
    await host.expect('REMOTE_UPDATE_7 iderhost ttyS1');
    assert.equal(sim.device.host.state.installed, 'REMOTE_UPDATE_7');
    assert.ok(ider.commands > image.length / 65536, `the console answered ${ider.commands} commands, the image's 64 KiB reads among them`);
    c.close();
    await served;
  } finally {
    c.close();
  }
});
