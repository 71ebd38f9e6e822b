/** PostgreSQL's binary array form read back (array_recv), for tests. */
export function decodeBinaryArray(buffer: Buffer): {
  elementType: number;
  elements: Array<Buffer | null>;
} {
  const dimensions = buffer.readInt32BE(0);
  if (dimensions !== 1) {
    throw new Error(`Expected one dimension, got ${dimensions}`);
  }
  const hasNulls = buffer.readInt32BE(4);
  const elementType = buffer.readInt32BE(8);
  const length = buffer.readInt32BE(12);
  if (buffer.readInt32BE(16) !== 1) {
    throw new Error('Expected a lower bound of 1');
  }
  const elements: Array<Buffer | null> = [];
  let offset = 20;
  for (let i = 0; i < length; i++) {
    const size = buffer.readInt32BE(offset);
    offset += 4;
    if (size === -1) {
      elements.push(null);
    } else {
      elements.push(buffer.subarray(offset, offset + size));
      offset += size;
    }
  }
  if (offset !== buffer.length) {
    throw new Error(`${buffer.length - offset} bytes after the last element`);
  }
  if ((hasNulls === 1) !== elements.includes(null)) {
    throw new Error(`Null flag ${hasNulls} does not match the elements`);
  }
  return { elementType, elements };
}

export const EPOCH_2000_MICROS = Date.UTC(2000, 0, 1) * 1000;

export function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

export function int64(value: number | bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(BigInt(value));
  return buffer;
}
