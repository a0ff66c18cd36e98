/**
 * A disk image served over IDE-R, read from disk with positional reads through one file handle
 * (never loaded whole): a CD `.iso` in 2048-byte sectors or a floppy `.img` in 512-byte sectors.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { AmtError } from '../../errors';

export type ImageKind = 'cd' | 'floppy';

export const BLOCK_SIZE: Record<ImageKind, number> = { cd: 2048, floppy: 512 };

export class DiskImage {
  private constructor(private readonly fh: FileHandle, readonly path: string, readonly kind: ImageKind, readonly size: number) {}

  static async open(path: string, kind: ImageKind): Promise<DiskImage> {
    const what = kind === 'cd' ? 'CD image (--cd)' : 'floppy image (--floppy)';
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new AmtError('redir.image', `The ${what} ${path} cannot be opened (${code}); check the path and that you may read it.`, { cause: err });
    }
    const stat = await fh.stat();
    const block = BLOCK_SIZE[kind];
    if (!stat.isFile() || stat.size === 0 || stat.size % block !== 0) {
      await fh.close();
      const why = !stat.isFile() ? 'is not a regular file' : stat.size === 0 ? 'is empty' : `is ${stat.size} bytes, not a whole number of ${block}-byte sectors`;
      const fix = kind === 'cd' ? 'give an ISO 9660 image (.iso), for example one made by xorriso or genisoimage' : 'give a raw floppy image (.img) whose size is a multiple of 512 bytes';
      throw new AmtError('redir.image', `The ${what} ${path} ${why}; ${fix}.`);
    }
    return new DiskImage(fh, path, kind, stat.size);
  }

  get blockSize(): number {
    return BLOCK_SIZE[this.kind];
  }

  get blocks(): number {
    return this.size / this.blockSize;
  }

  /** `count` blocks from `lba` (the caller checked the range). */
  async read(lba: number, count: number): Promise<Buffer> {
    const length = count * this.blockSize;
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, done, length - done, lba * this.blockSize + done);
      if (bytesRead === 0) throw new AmtError('redir.image', `${this.path} became shorter while it was served; serve an image that nothing else writes to.`);
      done += bytesRead;
    }
    return buf;
  }

  close(): Promise<void> {
    return this.fh.close().catch(() => undefined);
  }
}
