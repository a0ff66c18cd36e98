/**
 * The glyphs the simulated host's screen is drawn with: the classic 5×7 dot-matrix font (the
 * public-domain table found in countless LCD drivers), printable ASCII 0x20–0x7E, each glyph five
 * column bytes with bit 0 the top row. `cellBitmap` places a glyph in a VGA-style 8×16 text cell
 * by doubling its rows (5×14 dots, one column and one row of margin).
 *
 * Why a table here rather than a package: the npm registry has no maintained package carrying an
 * 8×16 VGA font as plain data under MIT/public-domain terms (js-pixel-fonts has small display fonts
 * in its own format; the Linux console fonts are GPL); 95 glyphs × 5 bytes is small enough to keep.
 */

const GLYPHS_HEX =
  '0000000000' + '00005f0000' + '0007000700' + '147f147f14' + '242a7f2a12' + '2313086462' + '3649562050' + '0005030000' +
  '001c224100' + '0041221c00' + '14083e0814' + '08083e0808' + '0050300000' + '0808080808' + '0060600000' + '2010080402' +
  '3e5149453e' + '00427f4000' + '4261514946' + '2141454b31' + '1814127f10' + '2745454539' + '3c4a494930' + '0171090503' +
  '3649494936' + '064949291e' + '0036360000' + '0056360000' + '0814224100' + '1414141414' + '0041221408' + '0201510906' +
  '324979413e' + '7e1111117e' + '7f49494936' + '3e41414122' + '7f4141221c' + '7f49494941' + '7f09090901' + '3e4149497a' +
  '7f0808087f' + '00417f4100' + '2040413f01' + '7f08142241' + '7f40404040' + '7f020c027f' + '7f0408107f' + '3e4141413e' +
  '7f09090906' + '3e4151215e' + '7f09192946' + '4649494931' + '01017f0101' + '3f4040403f' + '1f2040201f' + '3f4038403f' +
  '6314081463' + '0708700807' + '6151494543' + '007f414100' + '0204081020' + '0041417f00' + '0402010204' + '4040404040' +
  '0001020400' + '2054545478' + '7f48444438' + '3844444420' + '384444487f' + '3854545418' + '087e090102' + '0c5252523e' +
  '7f08040478' + '00447d4000' + '2040443d00' + '7f10284400' + '00417f4000' + '7c04180478' + '7c08040478' + '3844444438' +
  '7c14141408' + '081414187c' + '7c08040408' + '4854545420' + '043f444020' + '3c4040207c' + '1c2040201c' + '3c4030403c' +
  '4428102844' + '0c5050503c' + '4464544c44' + '0008364100' + '00007f0000' + '0041360800' + '0804081008';

const GLYPHS = Buffer.from(GLYPHS_HEX, 'hex');
export const CELL_WIDTH = 8;
export const CELL_HEIGHT = 16;

/** Unknown characters (outside printable ASCII) are drawn as a filled box. */
const BOX = Buffer.from('7f7f7f7f7f', 'hex');

/** The 8×16 cell of one character: 16 row bytes, bit 7 the leftmost dot. */
export function cellBitmap(ch: string): Uint8Array {
  const code = ch.charCodeAt(0);
  const cols = code >= 0x20 && code <= 0x7e ? GLYPHS.subarray((code - 0x20) * 5, (code - 0x20) * 5 + 5) : BOX;
  const rows = new Uint8Array(CELL_HEIGHT);
  for (let r = 0; r < 7; r++) {
    let bits = 0;
    for (let c = 0; c < 5; c++) if (cols[c] & (1 << r)) bits |= 0x40 >> c;
    rows[1 + r * 2] = bits;
    rows[2 + r * 2] = bits;
  }
  return rows;
}
