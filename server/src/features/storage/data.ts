/**
 * Block contents as a user types and reads them: text (UTF-8) or hex, and the checks a write must
 * pass before anything is sent (the block's size, the offset, non-empty data). Pure functions, so
 * the editor's form and the CLI refuse the same input with the same sentence.
 */
export type BlockFormat = 'text' | 'hex';

export class BlockDataError extends Error {}

/** The bytes `input` stands for; a malformed hex string is refused with one sentence. */
export function parseBlockData(input: string, format: BlockFormat): Buffer {
  if (format === 'text') return Buffer.from(input, 'utf8');
  const compact = input.replace(/[\s:]/g, '').replace(/^0x/i, '');
  if (compact.length === 0) return Buffer.alloc(0);
  if (!/^[0-9a-fA-F]*$/.test(compact)) throw new BlockDataError(`"${input.slice(0, 40)}" is not hex; type pairs of the digits 0-9 and a-f, for example 48 65 6c 6c 6f.`);
  if (compact.length % 2) throw new BlockDataError(`The hex has ${compact.length} digits, an odd number; every byte needs two digits, for example 0a rather than a.`);
  return Buffer.from(compact, 'hex');
}

/** The bytes as text (trailing NULs dropped, other control bytes shown as \xNN) or as spaced hex. */
export function formatBlockData(bytes: Uint8Array, format: BlockFormat): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'hex') return buf.toString('hex').replace(/(..)(?=.)/g, '$1 ');
  let end = buf.length;
  while (end > 0 && buf[end - 1] === 0) end--;
  return buf
    .subarray(0, end)
    .toString('utf8')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Why a write of `length` bytes at `offset` cannot go into a block of `size` bytes, or undefined when it fits. */
export function writeProblem(length: number, offset: number, size: number): string | undefined {
  if (!Number.isInteger(offset) || offset < 0) return `The offset ${offset} is not a whole number of bytes from 0; give 0 or more.`;
  if (length === 0) return 'There is nothing to write; type the text or hex to store in the block.';
  if (offset >= size) return `The offset ${offset} is past the end of the ${size}-byte block; give an offset below ${size}.`;
  const left = size - offset;
  if (offset + length > size) return `${length} bytes at offset ${offset} do not fit the ${size}-byte block (${left} byte${left === 1 ? ' is' : 's are'} left there); shorten the data or allocate a larger block.`;
  return undefined;
}
