/** Minimal protobuf encoding of TensorBoard's Event, Summary and HistogramProto messages. */

class ProtoWriter {
  private readonly parts: Uint8Array[] = [];

  private push(bytes: ArrayLike<number>): void {
    this.parts.push(Uint8Array.from(bytes));
  }

  private varint(v: number): void {
    const bytes: number[] = [];
    let n = v;
    while (n >= 0x80) {
      bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    bytes.push(n);
    this.push(bytes);
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  double(field: number, v: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.parts.push(b);
    return this;
  }

  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.parts.push(b);
    return this;
  }

  int64(field: number, v: number): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.varint(b.length);
    this.parts.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  packedDoubles(field: number, vs: readonly number[]): this {
    const b = new Uint8Array(8 * vs.length);
    const view = new DataView(b.buffer);
    for (const [i, v] of vs.entries()) view.setFloat64(8 * i, v, true);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** A histogram as TensorBoard stores it: `bucketLimit[i]` is the right edge of bucket i. */
export interface HistogramProto {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

/** One Summary.Value: a scalar or a histogram under a tag. */
export type SummaryValue = { tag: string; simpleValue: number } | { tag: string; histo: HistogramProto };

function histogram(h: HistogramProto): Uint8Array {
  return new ProtoWriter()
    .double(1, h.min)
    .double(2, h.max)
    .double(3, h.num)
    .double(4, h.sum)
    .double(5, h.sumSquares)
    .packedDoubles(6, h.bucketLimit)
    .packedDoubles(7, h.bucket)
    .finish();
}

/** Encodes an Event { wall_time = 1, step = 2, file_version = 3 | summary = 5 }. */
export function encodeEvent(e: {
  wallTime: number;
  step?: number;
  fileVersion?: string;
  values?: SummaryValue[];
}): Uint8Array {
  const w = new ProtoWriter().double(1, e.wallTime);
  if (e.step !== undefined) w.int64(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion);
  if (e.values) {
    const summary = new ProtoWriter();
    for (const v of e.values) {
      const value = new ProtoWriter().string(1, v.tag);
      if ('simpleValue' in v) value.float(2, v.simpleValue);
      else value.bytes(5, histogram(v.histo));
      summary.bytes(1, value.finish());
    }
    w.bytes(5, summary.finish());
  }
  return w.finish();
}
