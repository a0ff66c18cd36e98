/**
 * Redirection measures, each against its own baseline in the same run, A and B alternating every
 * iteration (stats.ts `compare`):
 * 1. IDE-R: MB/s of an 8 MB READ(10) served by the product's IDE-R client through the simulator's
 *    redirection service to a host stand-in (the BIOS side of sim/host/links.ts), vs reading the same
 *    8 MB of the same file from disk with a positional read — the share of disk speed IDE-R keeps.
 * 2. SOL: one keystroke's echo (0x28 to the host, the host echoes, 0x2A back) through the product's
 *    SOL client, vs the same byte through a bare TCP echo server on 127.0.0.1.
 * The simulator runs in this process, as in the tests.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIder, openSol } from '../server/src/features/redirection/connect';
import { DiskImage } from '../server/src/features/redirection/image';
import { DEFAULT_ACCOUNT, startSimulator } from '../server/src/sim';
import { openRedirection } from '../server/src/targets/redirection';
import { IderStandIn, SerialStandIn } from '../test/integration/sim/redirection/stand-ins';
import { compare, fmt, fmtRatio, goal } from './stats';

const IMAGE_MB = 32;
const READ_SECTORS = 4096; // 8 MB of 2048-byte sectors

export async function redirectionMeasures(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'amtwb-bench-redir-'));
  const sim = await startSimulator({ port: 0, redirectionPort: 0 });
  const serial = new SerialStandIn();
  serial.echo = true;
  const host = new IderStandIn();
  sim.redirection.setHostLinks({ serial, ider: host });
  const target = {
    label: 'the simulator',
    open: (signal?: AbortSignal) => openRedirection({ via: 'tcp', host: sim.host, port: sim.redirectionPort!, label: 'the simulator', credentials: { ...DEFAULT_ACCOUNT } }, signal),
  };
  const lines: string[] = [];
  const path = join(dir, 'bench.iso');
  writeFileSync(path, Buffer.alloc(IMAGE_MB << 20, 0xa5));
  const cd = await DiskImage.open(path, 'cd');
  const fh = await open(path, 'r');
  const echo = createServer((s) => s.pipe(s));
  try {
    // 1. IDE-R read throughput vs disk
    const { session: ider } = await openIder(target, { cd, startMode: 'now' });
    const bus = await host.attached();
    await bus.packet('cd', Buffer.alloc(12), 0); // the UNIT ATTENTION
    const blocks = cd.blocks;
    let lba = 0;
    const cdb = () => {
      const b = Buffer.alloc(12);
      b[0] = 0x28;
      b.writeUInt32BE(lba, 2);
      b.writeUInt16BE(READ_SECTORS, 7);
      lba = (lba + READ_SECTORS) % blocks;
      return b;
    };
    const buf = Buffer.allocUnsafe(READ_SECTORS * 2048);
    let off = 0;
    const viaIder = async () => {
      const r = await bus.packet('cd', cdb(), READ_SECTORS * 2048);
      if (r.data.length !== READ_SECTORS * 2048) throw new Error(`IDE-R returned ${r.data.length} bytes`);
    };
    const fromDisk = async () => {
      await fh.read(buf, 0, buf.length, off);
      off = (off + buf.length) % (IMAGE_MB << 20);
    };
    const cmp = await compare(viaIder, fromDisk, { iterations: 8, rounds: 3, warmup: 2 });
    const mb = (READ_SECTORS * 2048) / 1e6;
    const rate = (ms: number) => (mb / (ms / 1000)).toFixed(1);
    lines.push(`IDE-R READ(10) of ${mb.toFixed(1)} MB: ${fmt(cmp.a)} → ${rate(cmp.a.median)} MB/s`);
    lines.push(`disk read of the same ${mb.toFixed(1)} MB: ${fmt(cmp.b)} → ${rate(cmp.b.median)} MB/s`);
    // The file is in the page cache after the first pass, so "disk" is the fastest a read can be.
    lines.push(`IDE-R MB/s served as a share of reading the same file: ${(100 / cmp.ratio).toFixed(1)}% (time ratio ${fmtRatio(cmp)})`);
    await ider.close();

    // 2. SOL keystroke echo latency vs bare TCP echo
    const { session: sol } = await openSol(target);
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const bare = connect({ host: '127.0.0.1', port: (echo.address() as { port: number }).port, noDelay: true });
    await once(bare, 'connect');
    const key = Buffer.from('x');
    const viaSol = async () => {
      const got = once(sol, 'data');
      sol.write(key);
      await got;
    };
    const viaTcp = async () => {
      const got = once(bare, 'data');
      bare.write(key);
      await got;
    };
    const lat = await compare(viaSol, viaTcp, { iterations: 100, rounds: 5 });
    lines.push(`SOL keystroke echo: ${fmt(lat.a)}`);
    lines.push(`bare TCP echo: ${fmt(lat.b)}`);
    lines.push(goal('SOL echo latency vs bare TCP echo', fmtRatio(lat), '≤ 20×', lat.ratio <= 20));
    bare.destroy();
    await sol.close();
  } finally {
    await cd.close();
    await fh.close();
    echo.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
