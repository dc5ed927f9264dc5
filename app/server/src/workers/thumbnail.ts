import { ObjectPool } from "../pool/object-pool.ts";

/** Side of the source image every thumbnail is derived from. */
export const SOURCE_SIDE = 256;
const CHANNELS = 3;
const PLANE = SOURCE_SIDE * SOURCE_SIDE * CHANNELS;

// Two float planes per render, reused across renders on this thread: at ~790 KB each they are
// exactly the hot-path buffers the object pool exists for.
const planes = new ObjectPool<Float32Array>({ create: () => new Float32Array(PLANE), max: 4 });

/** A deterministic 32-bit hash of integers (splitmix-style finaliser). */
function hash(a: number, b: number, c: number): number {
  let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Blocky value noise per product id: the "photo" the thumbnail is made from. */
function paintSource(id: number, out: Float32Array): void {
  for (let y = 0; y < SOURCE_SIDE; y++) {
    for (let x = 0; x < SOURCE_SIDE; x++) {
      const cell = hash(id, x >> 4, y >> 4);
      const o = (y * SOURCE_SIDE + x) * CHANNELS;
      out[o] = (cell & 0xff) * (x / SOURCE_SIDE);
      out[o + 1] = ((cell >>> 8) & 0xff) * (y / SOURCE_SIDE);
      out[o + 2] = (cell >>> 16) & 0xff;
    }
  }
}

/** One pass of a box blur along x (dx=1) or y (dx=SIDE), running sum so cost is O(pixels). */
function boxBlur(src: Float32Array, dst: Float32Array, radius: number, alongX: boolean): void {
  const span = 2 * radius + 1;
  for (let line = 0; line < SOURCE_SIDE; line++) {
    for (let c = 0; c < CHANNELS; c++) {
      const at = (i: number) => {
        const clamped = i < 0 ? 0 : i >= SOURCE_SIDE ? SOURCE_SIDE - 1 : i;
        const pixel = alongX ? line * SOURCE_SIDE + clamped : clamped * SOURCE_SIDE + line;
        return pixel * CHANNELS + c;
      };
      let sum = 0;
      for (let i = -radius; i <= radius; i++) sum += src[at(i)] as number;
      for (let i = 0; i < SOURCE_SIDE; i++) {
        dst[at(i)] = sum / span;
        sum += (src[at(i + radius + 1)] as number) - (src[at(i - radius)] as number);
      }
    }
  }
}

/**
 * Render product `id`'s thumbnail at `size`x`size` as a 24-bit BMP: paint the source, three
 * separable box-blur passes (close to a Gaussian), bilinear downscale. Pure CPU work, which is
 * why it runs on the worker pool.
 */
export function renderThumbnail(id: number, size: number, blurRadius = 3): Uint8Array {
  const a = planes.acquire();
  const b = planes.acquire();
  try {
    paintSource(id, a);
    for (let pass = 0; pass < 3; pass++) {
      boxBlur(a, b, blurRadius, true);
      boxBlur(b, a, blurRadius, false);
    }
    return encodeBmp(a, size);
  } finally {
    planes.release(a);
    planes.release(b);
  }
}

function encodeBmp(plane: Float32Array, size: number): Uint8Array {
  const rowBytes = Math.ceil((size * 3) / 4) * 4;
  const header = 54;
  const out = new Uint8Array(header + rowBytes * size);
  const view = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  view.setUint32(2, out.byteLength, true);
  view.setUint32(10, header, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, size, true);
  view.setInt32(22, size, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  view.setUint32(34, rowBytes * size, true);
  const scale = (SOURCE_SIDE - 1) / Math.max(1, size - 1);
  for (let y = 0; y < size; y++) {
    const sy = y * scale;
    const y0 = Math.floor(sy);
    const y1 = Math.min(SOURCE_SIDE - 1, y0 + 1);
    const fy = sy - y0;
    // BMP rows run bottom-up.
    const row = header + (size - 1 - y) * rowBytes;
    for (let x = 0; x < size; x++) {
      const sx = x * scale;
      const x0 = Math.floor(sx);
      const x1 = Math.min(SOURCE_SIDE - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < CHANNELS; c++) {
        const p = (yy: number, xx: number) =>
          plane[(yy * SOURCE_SIDE + xx) * CHANNELS + c] as number;
        const top = p(y0, x0) * (1 - fx) + p(y0, x1) * fx;
        const bottom = p(y1, x0) * (1 - fx) + p(y1, x1) * fx;
        // BMP stores blue, green, red.
        out[row + x * 3 + (2 - c)] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}
