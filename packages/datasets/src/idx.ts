import { BetterDLError } from '@betterdl/runtime';

/** The element type of an IDX file. */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** Element types of the IDX format, by their type byte. */
const TYPES: Record<number, { name: IdxDType; size: number }> = {
  8: { name: 'uint8', size: 1 },
  9: { name: 'int8', size: 1 },
  11: { name: 'int16', size: 2 },
  12: { name: 'int32', size: 4 },
  13: { name: 'float32', size: 4 },
  14: { name: 'float64', size: 8 },
};

/** A parsed IDX file: its element type, dimensions and values (row-major). */
export interface IdxArray {
  /** Element type from the header. */
  dtype: IdxDType;
  /** Dimensions from the header, e.g. `[60000, 28, 28]`. */
  shape: number[];
  /** The values; a view into the input for uint8, a converted (big-endian → native) copy otherwise. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** What {@link parseIdx} should insist on. */
export interface ParseIdxOptions {
  /** Name used in error messages (a file name or URL). Defaults to `'IDX data'`. */
  name?: string;
  /** Required number of dimensions (3 for images, 1 for labels). Defaults to any. */
  rank?: number;
  /** Required element type. Defaults to any. */
  dtype?: IdxDType;
}

/** True when `bytes` start with the gzip magic number (the loaders then gunzip first). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an (uncompressed) IDX file — the format of MNIST, Fashion-MNIST, KMNIST and EMNIST. Validates the
 * magic number, type, rank and that the data is exactly as long as the header says; anything else is an
 * `INVALID_DATA` error naming the file and the problem, never a silently short array.
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const name = options.name ?? 'IDX data';
  const bad = (what: string): never => {
    throw new BetterDLError('INVALID_DATA', `${name}: ${what}`);
  };
  if (isGzip(bytes)) bad('is gzip-compressed; gunzip it first (the Node loaders do this for you).');
  if (bytes.length < 4)
    bad(`is ${bytes.length} bytes long, too short for an IDX header (truncated or empty file).`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    bad(`bad magic number (${hex}); an IDX file starts with 00 00 <type> <rank>. Is this the right file?`);
  }
  const type =
    TYPES[bytes[2] as number] ??
    bad(`unknown element type 0x${(bytes[2] as number).toString(16)} in the header (corrupt file?).`);
  const rank = bytes[3] as number;
  if (rank < 1) bad('rank 0 in the header; expected at least one dimension.');
  if (options.rank !== undefined && rank !== options.rank) {
    bad(
      `has rank ${rank} but ${options.rank} was expected (${options.rank === 1 ? 'labels' : 'images'}). Are the image and label files swapped?`,
    );
  }
  if (options.dtype !== undefined && type.name !== options.dtype)
    bad(`holds ${type.name} values, expected ${options.dtype}.`);
  const header = 4 + 4 * rank;
  if (bytes.length < header) bad(`truncated inside the header (${bytes.length} of ${header} bytes).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = header + count * type.size;
  if (bytes.length < expected) {
    bad(
      `truncated: the header promises [${shape.join(', ')}] ${type.name} (${expected} bytes) but the file has ${bytes.length}. Download it again.`,
    );
  }
  if (bytes.length > expected)
    bad(
      `${bytes.length - expected} unexpected bytes after the data described by the header [${shape.join(', ')}] (corrupt file?).`,
    );
  const body = bytes.subarray(header);
  let data: IdxArray['data'];
  switch (type.name) {
    case 'uint8':
      data = body;
      break;
    case 'int8':
      data = new Int8Array(body.buffer, body.byteOffset, count);
      break;
    default: {
      const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[
        type.name
      ];
      const out = new Ctor(count);
      const get = {
        int16: (o: number) => view.getInt16(o, false),
        int32: (o: number) => view.getInt32(o, false),
        float32: (o: number) => view.getFloat32(o, false),
        float64: (o: number) => view.getFloat64(o, false),
      }[type.name];
      for (let i = 0; i < count; i++) out[i] = get(header + i * type.size);
      data = out;
    }
  }
  return { dtype: type.name, shape, data };
}

/** Writes an IDX file (big-endian, as the format requires) — handy for tests and for exporting data. */
export function encodeIdx(array: IdxArray): Uint8Array {
  const entry = Object.entries(TYPES).find(([, t]) => t.name === array.dtype);
  if (!entry) throw new BetterDLError('INVALID_ARGUMENT', `encodeIdx: unknown dtype ${array.dtype}.`);
  const [code, type] = entry;
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `encodeIdx: shape [${array.shape.join(', ')}] needs ${count} values, got ${array.data.length}.`,
    );
  }
  const header = 4 + 4 * array.shape.length;
  const out = new Uint8Array(header + count * type.size);
  const view = new DataView(out.buffer);
  out[2] = Number(code);
  out[3] = array.shape.length;
  for (let i = 0; i < array.shape.length; i++) view.setUint32(4 + 4 * i, array.shape[i] as number, false);
  const set = {
    uint8: (o: number, v: number) => view.setUint8(o, v),
    int8: (o: number, v: number) => view.setInt8(o, v),
    int16: (o: number, v: number) => view.setInt16(o, v, false),
    int32: (o: number, v: number) => view.setInt32(o, v, false),
    float32: (o: number, v: number) => view.setFloat32(o, v, false),
    float64: (o: number, v: number) => view.setFloat64(o, v, false),
  }[type.name];
  for (let i = 0; i < count; i++) set(header + i * type.size, array.data[i] as number);
  return out;
}
