/**
 * Reads the int8 initializers of an ONNX file with a minimal protobuf walk (ModelProto.graph = 7,
 * GraphProto.initializer = 5, TensorProto: data_type = 2, name = 8, raw_data = 9), so a test can check the weights
 * a shipped model holds without a protobuf library. onnxruntime's quantizer writes them as raw_data; another
 * layout is an error, not a silent pass.
 */
import { readFileSync } from 'node:fs';

const INT8 = 3; // TensorProto.DataType.INT8

interface Field {
  no: number;
  wire: number;
  value: bigint;
  bytes?: Uint8Array;
}

function* fields(buf: Uint8Array): Generator<Field> {
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = buf[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) yield { no, wire, value: varint() };
    else if (wire === 1) (i += 8), yield { no, wire, value: 0n };
    else if (wire === 5) (i += 4), yield { no, wire, value: 0n };
    else if (wire === 2) {
      const n = Number(varint());
      yield { no, wire, value: BigInt(n), bytes: buf.subarray(i, i + n) };
      i += n;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

const sub = (buf: Uint8Array, no: number) => [...fields(buf)].filter((f) => f.no === no && f.bytes).map((f) => f.bytes!);

/** Name and values of every INT8 initializer whose name ends in `suffix` (onnxruntime names quantized weights `<w>_quantized`). */
export function int8Initializers(path: string, suffix = '_quantized'): Array<{ name: string; values: Int8Array }> {
  const out: Array<{ name: string; values: Int8Array }> = [];
  for (const graph of sub(readFileSync(path), 7)) {
    for (const tensor of sub(graph, 5)) {
      let type = 0;
      let name = '';
      let raw: Uint8Array | undefined;
      for (const f of fields(tensor)) {
        if (f.no === 2 && f.wire === 0) type = Number(f.value);
        else if (f.no === 8 && f.bytes) name = Buffer.from(f.bytes).toString('utf8');
        else if (f.no === 9 && f.bytes) raw = f.bytes;
      }
      if (type !== INT8 || !name.endsWith(suffix)) continue;
      if (!raw) throw new Error(`${path}: int8 initializer ${name} is not stored as raw_data`);
      out.push({ name, values: new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength) });
    }
  }
  return out;
}
