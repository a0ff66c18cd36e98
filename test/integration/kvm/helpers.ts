/** What the KVM tests share: how far a decoded frame is from the simulator's own framebuffer. */
import { framebufferOf } from '../../../server/src/sim/kvm/framebuffer';
import type { Simulator } from '../../../server/src/sim';

export /** Pixels of `rgba` whose colour level differs from what the simulator's framebuffer holds there. */
function mismatches(sim: Simulator, width: number, height: number, rgba: ArrayLike<number>, format: 'rgb565' | 'rgb332' | 'grey8'): number {
  const fb = framebufferOf(sim.device);
  const max = format === 'rgb565' ? [31, 63, 31] : format === 'rgb332' ? [7, 7, 3] : [255, 255, 255];
  const level = (c: number, m: number) => Math.round((c * m) / 255);
  let bad = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = fb.rgbAt(x, y);
      const want = format === 'grey8' ? Array(3).fill(Math.round(0.299 * r + 0.587 * g + 0.114 * b)) : [r, g, b].map((c, i) => level(c, max[i]!));
      const o = (y * width + x) * 4;
      const got = [0, 1, 2].map((i) => level(rgba[o + i]!, max[i]!));
      if (got.some((v, i) => v !== want[i])) bad++;
    }
  }
  return bad;
}
