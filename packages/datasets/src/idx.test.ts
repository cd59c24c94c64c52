import { describe, expect, it } from 'vitest';
import { encodeIdx, type IdxArray, parseIdx } from './idx';

const images: IdxArray = {
  dtype: 'uint8',
  shape: [2, 2, 3],
  data: Uint8Array.from([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]),
};

describe('parseIdx', () => {
  it('round-trips every IDX element type through encodeIdx', () => {
    const cases: IdxArray[] = [
      images,
      { dtype: 'int8', shape: [3], data: Int8Array.from([-128, 0, 127]) },
      { dtype: 'int16', shape: [2], data: Int16Array.from([-300, 300]) },
      { dtype: 'int32', shape: [1, 2], data: Int32Array.from([-70000, 2 ** 31 - 1]) },
      { dtype: 'float32', shape: [2], data: Float32Array.from([1.5, -2.25]) },
      { dtype: 'float64', shape: [2], data: Float64Array.from([Math.PI, -1e300]) },
    ];
    for (const c of cases) {
      const back = parseIdx(encodeIdx(c));
      expect(back.dtype).toBe(c.dtype);
      expect(back.shape).toEqual(c.shape);
      expect(Array.from(back.data)).toEqual(Array.from(c.data));
    }
  });

  it('reads the big-endian header (the MNIST magic 0x00000803)', () => {
    const bytes = encodeIdx(images);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0, 8, 3, 0, 0, 0, 2]);
  });

  it('names the file and the problem for every kind of damage', () => {
    const good = encodeIdx(images);
    const name = 'train-images-idx3-ubyte';
    const err =
      (b: Uint8Array, o = {}) =>
      () =>
        parseIdx(b, { name, ...o });
    expect(err(Uint8Array.from([1, 2, 8, 3, ...good.subarray(4)]))).toThrow(
      `${name}: bad magic number (01 02 08 03)`,
    );
    expect(err(Uint8Array.from([0x1f, 0x8b, 8, 0]))).toThrow(/gzip-compressed/);
    expect(err(good.subarray(0, 3))).toThrow(/3 bytes long, too short/);
    expect(err(good.subarray(0, 10))).toThrow(/truncated inside the header/);
    expect(err(good.subarray(0, good.length - 1))).toThrow(
      /truncated: the header promises \[2, 2, 3\] uint8 \(28 bytes\) but the file has 27/,
    );
    expect(err(Uint8Array.from([...good, 0, 0]))).toThrow(/2 unexpected bytes after the data/);
    expect(err(good, { rank: 1 })).toThrow(/has rank 3 but 1 was expected/);
    expect(err(good, { dtype: 'float32' })).toThrow(/holds uint8 values, expected float32/);
    const badType = good.slice();
    badType[2] = 0x0a;
    expect(err(badType)).toThrow(/unknown element type 0xa/);
    expect(err(good)).not.toThrow();
  });
});
