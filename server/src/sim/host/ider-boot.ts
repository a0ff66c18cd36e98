/**
 * Booting from IDE-R, as a BIOS does it through the redirected IDE channel (links.ts IderBus):
 * TEST UNIT READY until the drive is ready (UNIT ATTENTION 06/28/00 "medium changed" is retried;
 * "no medium" 02/3A/00 ends it), INQUIRY, READ CAPACITY(10), MODE SENSE (10, else 6), and for a
 * CD GET CONFIGURATION and READ TOC; then
 * - CD: READ(10) of the volume descriptors from sector 16 (iso9660.ts) → the primary volume's
 *   label and the El Torito boot record → the boot catalog → the boot image, then
 *   "Booting from IDE-R CD: <label>" and the installer (installer.ts);
 * - floppy: READ(10) of block 0 and its 55 AA boot signature.
 * Whatever fails (no medium, not ISO 9660, no El Torito record, the session ending mid-read)
 * prints one line and the host boots its hard drive.
 */
import type { SimDevice } from '../device';
import { AtapiDrive, CDB, CheckCondition, inquiryName, senseText } from './atapi';
import { Aborted, type Run } from './console';
import { install } from './installer';
import { FIRST_DESCRIPTOR, ISO_SECTOR, parseBootCatalog, parseDescriptor, type Descriptor } from './iso9660';
import type { IderBus, IderDevice } from './links';

export interface IderBootContext {
  readonly path: string[];
  readonly device: SimDevice;
  /** Records the installed OS label (host state). */
  install(label: string): void;
}

/** TEST UNIT READY attempts before the BIOS gives up on a drive that stays not ready. */
const READY_ATTEMPTS = 8;
/** Volume descriptors read at most before the terminator. */
const MAX_DESCRIPTORS = 32;
/** 2048-byte sectors of a boot image read at most. */
const MAX_BOOT_IMAGE = 64;

/** Returns true when an installer ran (the caller restarts the host); false → boot the disk. */
export async function bootIder(run: Run, drive: IderDevice, bus: IderBus | undefined, ctx: IderBootContext): Promise<boolean> {
  const name = drive === 'cd' ? 'IDE-R CD' : 'IDE-R floppy';
  if (!bus || !bus.open) {
    await run.line('IDE-R: no redirected media (no console has an IDE-R session open)');
    ctx.path.push(`ider-${drive}:no-session`);
    return false;
  }
  const d = new AtapiDrive(bus, drive, () => run.check());
  try {
    await run.line(`${name}: probing the redirected ${drive === 'cd' ? 'CD-ROM' : 'floppy'} drive`);
    if (!(await unitReady(run, d, name, ctx))) return false;
    const identity = await optional(d, CDB.inquiry(), 36);
    const cap = await d.capacity();
    await run.line(`${name}: ${inquiryName(identity ?? Buffer.alloc(0)) || 'drive'}, ${cap.blocks} blocks of ${cap.blockSize} bytes`);
    if ((await optional(d, CDB.modeSense10(), 512)) === undefined) await optional(d, CDB.modeSense6(), 255);
    if (drive === 'floppy') {
      await optional(d, CDB.readFormatCapacities(), 12);
      return await floppy(run, d, cap.blockSize, ctx);
    }
    await optional(d, CDB.getConfiguration(), 512);
    await optional(d, CDB.readToc(), 100);
    return await cd(run, d, cap, ctx);
  } catch (err) {
    if (err instanceof Aborted) throw err;
    // Consoles answer some "no medium" cases with GOOD status (spec redirection.md §4.7 trap), so
    // the first command that reports it may come after TEST UNIT READY.
    if (err instanceof CheckCondition && err.sense.key === 0x02 && err.sense.asc === 0x3a) return noMedium(run, name, drive, ctx);
    const why = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
    await run.line(`${name}: reading the redirected drive failed (${why}); booting the hard drive`);
    ctx.path.push(`ider-${drive}:error`);
    return false;
  }
}

/** A packet whose CHECK CONDITION the BIOS shrugs off (undefined then); bus failures still throw. */
async function optional(d: AtapiDrive, cdb: Buffer, allocation: number): Promise<Buffer | undefined> {
  const r = await d.send(cdb, allocation);
  return r.sense ? undefined : r.data;
}

async function unitReady(run: Run, d: AtapiDrive, name: string, ctx: IderBootContext): Promise<boolean> {
  for (let attempt = 1; attempt <= READY_ATTEMPTS; attempt++) {
    const r = await d.send(CDB.testUnitReady(), 0);
    if (!r.sense) return true;
    const { key, asc } = r.sense;
    if (key === 0x02 && asc === 0x3a) return noMedium(run, name, d.device, ctx);
    // UNIT ATTENTION (medium changed, power-on reset) and NOT READY (becoming ready) are retried.
    if (key !== 0x06 && key !== 0x02) throw new CheckCondition('TEST UNIT READY', r.sense);
    await run.pause(key === 0x02 ? 50 : 0);
    if (attempt === READY_ATTEMPTS) throw new Error(`the drive stayed not ready (sense ${senseText(r.sense)})`);
  }
  return false;
}

async function noMedium(run: Run, name: string, drive: IderDevice, ctx: IderBootContext): Promise<false> {
  await run.line(`${name}: no medium in the redirected drive (the console serves no image); booting the hard drive`);
  ctx.path.push(`ider-${drive}:no-medium`);
  return false;
}

async function floppy(run: Run, d: AtapiDrive, blockSize: number, ctx: IderBootContext): Promise<boolean> {
  const sector = await d.read(0, 1, blockSize);
  if (sector.length >= 512 && sector[510] === 0x55 && sector[511] === 0xaa) {
    await run.line('Booting from IDE-R floppy');
    await run.line('IDE-R floppy: boot sector loaded; its loader hands over to the hard drive');
    ctx.path.push('ider-floppy:boot');
  } else {
    await run.line('IDE-R floppy: no boot signature (55 AA) in sector 0; booting the hard drive');
    ctx.path.push('ider-floppy:no-signature');
  }
  return false;
}

async function cd(run: Run, d: AtapiDrive, cap: { blocks: number; blockSize: number }, ctx: IderBootContext): Promise<boolean> {
  if (cap.blockSize <= 0 || ISO_SECTOR % cap.blockSize !== 0) throw new Error(`the drive reports ${cap.blockSize}-byte blocks, which do not divide a 2048-byte CD sector`);
  const per = ISO_SECTOR / cap.blockSize;
  const isoBlocks = Math.floor(cap.blocks / per);
  const read = (lba: number, count: number) => d.read(lba * per, count * per, cap.blockSize);
  const notIso = async () => {
    await run.line('IDE-R CD: not a bootable ISO 9660 image; booting the hard drive');
    ctx.path.push('ider-cd:not-iso');
    return false;
  };
  if (isoBlocks <= FIRST_DESCRIPTOR) return notIso();
  let primary: Extract<Descriptor, { type: 'primary' }> | undefined;
  let boot: Extract<Descriptor, { type: 'boot-record' }> | undefined;
  for (let lba = FIRST_DESCRIPTOR; lba < Math.min(isoBlocks, FIRST_DESCRIPTOR + MAX_DESCRIPTORS); lba++) {
    const desc = parseDescriptor(await read(lba, 1));
    if (!desc || desc.type === 'terminator') break;
    if (desc.type === 'primary') primary ??= desc;
    if (desc.type === 'boot-record' && desc.elTorito) boot ??= desc;
  }
  if (!primary) return notIso();
  const label = primary.label || 'unlabelled volume';
  const noBoot = async (why: string) => {
    await run.line(`IDE-R CD: ${label}: ${why}; booting the hard drive`);
    ctx.path.push('ider-cd:no-el-torito');
    return false;
  };
  if (!boot) return noBoot('no El Torito boot record');
  if (boot.catalogLba >= isoBlocks) return noBoot(`the boot catalog sector ${boot.catalogLba} is past the end of the image`);
  const entry = parseBootCatalog(await read(boot.catalogLba, 1));
  if (typeof entry === 'string') return noBoot(entry);
  if (!entry.bootable) return noBoot('the default boot entry is not bootable');
  const sectors = Math.min(MAX_BOOT_IMAGE, Math.max(1, Math.ceil((entry.sectorCount * 512) / ISO_SECTOR)));
  if (entry.loadRba + sectors > isoBlocks) return noBoot(`the boot image at sector ${entry.loadRba} is past the end of the image`);
  await read(entry.loadRba, sectors);
  await run.line(`Booting from IDE-R CD: ${label}`);
  ctx.path.push('ider-cd:boot');
  await install(run, {
    label,
    blocks: Math.min(isoBlocks, primary.volumeBlocks || isoBlocks),
    read,
    eject: () => d.send(CDB.eject(), 0),
    record: (l) => ctx.install(l),
    path: ctx.path,
  });
  return true;
}
