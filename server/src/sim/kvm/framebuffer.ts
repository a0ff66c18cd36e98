/**
 * The simulated host's screen as KVM shows it (docs/simulator.md "KVM"): a 1024×768 framebuffer
 * with the host's 80×25 text console (host/screen.ts) drawn in 8×16 cells (font.ts) as a 640×400
 * area centred on it, the cursor as an underline, and an overlay band above the text for what
 * the firmware itself draws — the user-consent code while IPS_OptInService shows it (OptInState 2).
 *
 * Pixels are kept as indices into a small fixed palette (the VGA text colours used), so every
 * negotiated pixel format is one lookup away (pixels.ts). Each redraw compares the text cells with
 * the last drawn ones and reports only the rectangles that changed (`dirty` event).
 */
import { EventEmitter } from 'node:events';
import type { SimDevice } from '../device';
import type { HostScreen } from '../host/links';
import { CELL_HEIGHT, CELL_WIDTH, cellBitmap } from './font';

export const WIDTH = 1024;
export const HEIGHT = 768;
export const COLUMNS = 80;
export const ROWS = 25;
export const TEXT_X = (WIDTH - COLUMNS * CELL_WIDTH) / 2;
export const TEXT_Y = (HEIGHT - ROWS * CELL_HEIGHT) / 2;
/** The firmware's overlay band (consent code), above the text area. */
export const OVERLAY = { x: 0, y: 64, w: WIDTH, h: 64 } as const;

/** Palette index → RGB: black, light grey text, white cursor, blue band, yellow band text. */
export const PALETTE: readonly (readonly [number, number, number])[] = [
  [0, 0, 0], [0xaa, 0xaa, 0xaa], [0xff, 0xff, 0xff], [0, 0, 0xaa], [0xff, 0xff, 0x55],
];
const INK = 1;
const CURSOR = 2;
const BAND = 3;
const BAND_INK = 4;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export class Framebuffer extends EventEmitter {
  /** One palette index per pixel, row by row. */
  readonly pixels = new Uint8Array(WIDTH * HEIGHT);
  private cells: string[] = Array(COLUMNS * ROWS).fill(' ');
  private overlayText = '';

  /** The overlay's text now ('' when none is shown). */
  get overlay(): string {
    return this.overlayText;
  }

  /** RGB of one pixel (what a viewer should show there). */
  rgbAt(x: number, y: number): readonly [number, number, number] {
    return PALETTE[this.pixels[y * WIDTH + x]];
  }

  /** Redraws the text cells that changed; `cursor` undefined hides it. Emits `dirty` with the changed rectangles. */
  drawText(lines: readonly string[], cursor?: { row: number; col: number }): Rect[] {
    const dirty: Rect[] = [];
    for (let row = 0; row < ROWS; row++) {
      let first = -1;
      let last = -1;
      for (let col = 0; col < COLUMNS; col++) {
        const ch = lines[row]?.[col] ?? ' ';
        const key = cursor && cursor.row === row && cursor.col === col ? `${ch}_` : ch;
        if (this.cells[row * COLUMNS + col] === key) continue;
        this.cells[row * COLUMNS + col] = key;
        this.drawCell(TEXT_X + col * CELL_WIDTH, TEXT_Y + row * CELL_HEIGHT, ch, INK, 0, key.length > 1);
        if (first < 0) first = col;
        last = col;
      }
      if (first >= 0) dirty.push({ x: TEXT_X + first * CELL_WIDTH, y: TEXT_Y + row * CELL_HEIGHT, w: (last - first + 1) * CELL_WIDTH, h: CELL_HEIGHT });
    }
    if (dirty.length > 0) this.emit('dirty', dirty);
    return dirty;
  }

  /** Shows `text` centred in the overlay band, or removes the band ('' ). */
  setOverlay(text: string): void {
    if (text === this.overlayText) return;
    this.overlayText = text;
    this.pixels.fill(text ? BAND : 0, OVERLAY.y * WIDTH, (OVERLAY.y + OVERLAY.h) * WIDTH);
    const x0 = Math.floor((WIDTH - text.length * CELL_WIDTH) / 2);
    const y0 = OVERLAY.y + (OVERLAY.h - CELL_HEIGHT) / 2;
    for (let i = 0; i < text.length; i++) this.drawCell(x0 + i * CELL_WIDTH, y0, text[i], BAND_INK, BAND, false);
    this.emit('dirty', [{ ...OVERLAY }]);
  }

  private drawCell(x: number, y: number, ch: string, ink: number, paper: number, cursor: boolean): void {
    const rows = cellBitmap(ch);
    for (let r = 0; r < CELL_HEIGHT; r++) {
      const bits = cursor && r >= CELL_HEIGHT - 2 ? 0xff : rows[r];
      const base = (y + r) * WIDTH + x;
      for (let c = 0; c < CELL_WIDTH; c++) this.pixels[base + c] = bits & (0x80 >> c) ? (cursor && r >= CELL_HEIGHT - 2 ? CURSOR : ink) : paper;
    }
  }
}

interface Bound {
  fb: Framebuffer;
  source?: HostScreen;
  listener: () => void;
}
const BOUND = new WeakMap<SimDevice, Bound>();

/**
 * The device's KVM framebuffer, following `source` (the host's screen) from now on; the first call
 * also hooks the consent overlay to the device's `opt-in` events. Without a source the last
 * drawn screen stays.
 */
export function framebufferOf(device: SimDevice, source?: HostScreen): Framebuffer {
  let b = BOUND.get(device);
  if (!b) {
    const fb = new Framebuffer();
    const bound: Bound = { fb, listener: () => bound.source && redraw(fb, bound.source) };
    b = bound;
    BOUND.set(device, b);
    device.on('opt-in', ({ state, code }: { state: number; code?: string }) => {
      fb.setOverlay(state === 2 && code ? consentText(code) : '');
    });
    if (device.optIn.code && device.instances('IPS_OptInService')[0]?.OptInState === 2) {
      fb.setOverlay(consentText(device.optIn.code));
    }
  }
  if (source && source !== b.source) {
    b.source?.off('screen', b.listener);
    b.source = source;
    source.on('screen', b.listener);
  }
  if (b.source) redraw(b.fb, b.source);
  return b.fb;
}

function redraw(fb: Framebuffer, source: HostScreen): void {
  fb.drawText(source.screen.lines(), source.powered ? source.screen.cursor : undefined);
}

/** What the overlay shows while a consent code is displayed (the code in two groups of three, inferred from AMT's sprite). */
export function consentText(code: string): string {
  return `Intel(R) AMT - User consent code: ${code.slice(0, 3)} ${code.slice(3)}`;
}
