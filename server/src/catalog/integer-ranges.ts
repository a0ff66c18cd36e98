/**
 * The value range of each CIM integer type, as bigints (uint64 and sint64 do not fit a number).
 * Kept apart from catalog.ts so the extension can import it without the class data.
 */
export const INTEGER_RANGES: Readonly<Partial<Record<string, readonly [bigint, bigint]>>> = {
  uint8: [0n, 0xffn],
  uint16: [0n, 0xffffn],
  uint32: [0n, 0xffffffffn],
  uint64: [0n, 0xffffffffffffffffn],
  sint8: [-0x80n, 0x7fn],
  sint16: [-0x8000n, 0x7fffn],
  sint32: [-0x80000000n, 0x7fffffffn],
  sint64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};
