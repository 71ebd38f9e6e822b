/**
 * PostgreSQL's binary form of a one-dimensional array (as `array_send`
 * writes it), for the upserts' array parameters. node-postgres sends a
 * Buffer parameter in binary: no quotes to escape here and no literal for the
 * server to parse, most of the cost of both for event JSON.
 */

/** Element types written in binary, by OID (`pg_type`). */
export const BinaryElementType = {
  bool: 16,
  int8: 20,
  int4: 23,
  text: 25,
  varchar: 1043,
  timestamptz: 1184,
} as const;

const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_TO_32 = 2 ** 32;
const HEADER_BYTES = 20;

/** Bytes of an element of the fixed-size types. */
const FIXED_SIZES = new Map<number, number>([
  [BinaryElementType.bool, 1],
  [BinaryElementType.int4, 4],
  [BinaryElementType.int8, 8],
  [BinaryElementType.timestamptz, 8],
]);

function fits(elementType: number, value: unknown): boolean {
  switch (elementType) {
    case BinaryElementType.bool:
      return typeof value === 'boolean';
    case BinaryElementType.int4:
      return (
        Number.isInteger(value) &&
        (value as number) >= -TWO_TO_32 / 2 &&
        (value as number) < TWO_TO_32 / 2
      );
    case BinaryElementType.int8:
      return Number.isSafeInteger(value);
    default:
      return value instanceof Date && !Number.isNaN(value.getTime());
  }
}

/** A safe integer as a big-endian int64, without a BigInt. */
function writeInt64(buffer: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / TWO_TO_32);
  buffer.writeInt32BE(high, offset);
  buffer.writeUInt32BE(value - high * TWO_TO_32, offset + 4);
}

function writeFixed(
  buffer: Buffer,
  elementType: number,
  value: unknown,
  offset: number,
): void {
  switch (elementType) {
    case BinaryElementType.bool:
      buffer.writeUInt8(value ? 1 : 0, offset);
      return;
    case BinaryElementType.int4:
      buffer.writeInt32BE(value as number, offset);
      return;
    case BinaryElementType.int8:
      writeInt64(buffer, value as number, offset);
      return;
    default: {
      // timestamptz: microseconds since 2000-01-01 UTC.
      const millis = (value as Date).getTime() - POSTGRES_EPOCH_MS;
      const micros = millis * 1000;
      if (Number.isSafeInteger(micros)) {
        writeInt64(buffer, micros, offset);
      } else {
        buffer.writeBigInt64BE(BigInt(millis) * 1000n, offset);
      }
    }
  }
}

/**
 * The values as a binary array of `elementType`, nulls included; undefined
 * when the type is not one written in binary or a value does not fit it
 * (then the array goes as a text literal, and PostgreSQL judges the value).
 * Text elements are `textOf(value)` in UTF-8.
 */
export function binaryArray(
  values: readonly unknown[],
  elementType: number,
  textOf: (value: unknown) => string,
): Buffer | undefined {
  const isText =
    elementType === BinaryElementType.text ||
    elementType === BinaryElementType.varchar;
  const fixedSize = FIXED_SIZES.get(elementType);
  if (!isText && fixedSize === undefined) {
    return undefined;
  }
  const texts: Array<string | null> = isText ? new Array(values.length) : [];
  let hasNulls = 0;
  let bytes = HEADER_BYTES + 4 * values.length;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null) {
      hasNulls = 1;
      if (isText) texts[i] = null;
    } else if (isText) {
      const text = textOf(value);
      texts[i] = text;
      bytes += Buffer.byteLength(text);
    } else if (fits(elementType, value)) {
      bytes += fixedSize as number;
    } else {
      return undefined;
    }
  }
  const buffer = Buffer.allocUnsafe(bytes);
  buffer.writeInt32BE(1, 0); // dimensions
  buffer.writeInt32BE(hasNulls, 4);
  buffer.writeInt32BE(elementType, 8);
  buffer.writeInt32BE(values.length, 12);
  buffer.writeInt32BE(1, 16); // lower bound
  let offset = HEADER_BYTES;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null) {
      buffer.writeInt32BE(-1, offset);
      offset += 4;
    } else if (isText) {
      const length = buffer.write(texts[i] as string, offset + 4, 'utf8');
      buffer.writeInt32BE(length, offset);
      offset += 4 + length;
    } else {
      buffer.writeInt32BE(fixedSize as number, offset);
      writeFixed(buffer, elementType, value, offset + 4);
      offset += 4 + (fixedSize as number);
    }
  }
  return buffer;
}
