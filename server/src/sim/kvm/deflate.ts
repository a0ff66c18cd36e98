/**
 * The session's one deflate stream for encoding 16 when the console turned compression on
 * (`\0KvmExtCmd\0` command 4, value 1, before the first encoding-16 rectangle): node:zlib's raw
 * deflate (no zlib header, as MeshCommander's `inflateInit(-15)` expects), each tile followed by a
 * Z_SYNC_FLUSH so the console can inflate it at once; the window carries across tiles. Tiles are
 * compressed strictly in order.
 */
import zlib from 'node:zlib';

export class TileDeflater {
  private readonly stream = zlib.createDeflateRaw();
  private chain: Promise<unknown> = Promise.resolve();

  /** The compressed bytes of one tile (ending at a sync-flush point). */
  compress(tile: Buffer): Promise<Buffer> {
    const run = this.chain.then(() => new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onData = (d: Buffer) => chunks.push(d);
      this.stream.on('data', onData);
      this.stream.once('error', reject);
      this.stream.write(tile);
      this.stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.stream.off('data', onData);
        this.stream.off('error', reject);
        resolve(Buffer.concat(chunks));
      });
    }));
    this.chain = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.stream.close();
  }
}
