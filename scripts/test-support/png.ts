// Reads the pixels of an 8-bit, non-interlaced PNG (what Chromium's screenshots are), to check that a
// screenshot shows something drawn rather than a blank area.
import { inflateSync } from 'node:zlib';

/** Decoded pixels, RGBA, row-major. */
export interface PngImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Decodes a PNG of colour type 2 (RGB) or 6 (RGBA), bit depth 8, without interlacing. */
export function decodePng(png: Uint8Array): PngImage {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (view.getUint32(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let type = 0;
  const idat: Uint8Array[] = [];
  while (pos < png.length) {
    const len = view.getUint32(pos);
    const name = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const body = png.subarray(pos + 8, pos + 8 + len);
    if (name === 'IHDR') {
      const h = new DataView(body.buffer, body.byteOffset, body.byteLength);
      width = h.getUint32(0);
      height = h.getUint32(4);
      type = body[9] as number;
      if (body[8] !== 8 || (type !== 2 && type !== 6) || body[12] !== 0)
        throw new Error(`unsupported PNG (depth ${body[8]}, colour type ${type}, interlace ${body[12]})`);
    } else if (name === 'IDAT') idat.push(body);
    else if (name === 'IEND') break;
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bpp = type === 6 ? 4 : 3;
  const stride = width * bpp;
  const out = new Uint8Array(width * height * bpp);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? out.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? (row[i - bpp] as number) : 0;
      const b = prev[i] as number;
      const c = i >= bpp ? (prev[i - bpp] as number) : 0;
      const x = src[i] as number;
      let v = x;
      if (filter === 1) v = x + a;
      else if (filter === 2) v = x + b;
      else if (filter === 3) v = x + ((a + b) >> 1);
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      row[i] = v & 0xff;
    }
  }
  if (bpp === 4) return { width, height, rgba: out };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < out.length; i += 3, j += 4) {
    rgba[j] = out[i] as number;
    rgba[j + 1] = out[i + 1] as number;
    rgba[j + 2] = out[i + 2] as number;
    rgba[j + 3] = 255;
  }
  return { width, height, rgba };
}

/** How a region is drawn: the share of pixels unlike the top-left one, and the distinct colours (6-bit). */
export function inkStats(img: PngImage): { inked: number; colours: number } {
  const { rgba } = img;
  const bg = [rgba[0], rgba[1], rgba[2]];
  let inked = 0;
  const colours = new Set<number>();
  for (let i = 0; i < rgba.length; i += 4) {
    const r = rgba[i] as number;
    const g = rgba[i + 1] as number;
    const b = rgba[i + 2] as number;
    if (
      Math.abs(r - (bg[0] as number)) + Math.abs(g - (bg[1] as number)) + Math.abs(b - (bg[2] as number)) >
      30
    )
      inked++;
    colours.add(((r >> 2) << 12) | ((g >> 2) << 6) | (b >> 2));
  }
  return { inked: inked / (img.width * img.height), colours: colours.size };
}
