import {
  decodeBinaryArray,
  EPOCH_2000_MICROS,
  int32,
  int64,
} from '../__testUtils__/binaryArrays';
import { binaryArray, BinaryElementType } from './binaryArrays';

const textOf = (value: unknown) =>
  typeof value === 'string' ? value : JSON.stringify(value);

describe('binaryArray', () => {
  it('writes text as UTF-8 with its byte length, and nulls', () => {
    const array = binaryArray(
      ['plain', 'ünïcødé 🚀 "q" \\ {a,b}', null, '', { a: 1 }],
      BinaryElementType.text,
      textOf,
    );
    expect(array && decodeBinaryArray(array)).toEqual({
      elementType: BinaryElementType.text,
      elements: [
        Buffer.from('plain'),
        Buffer.from('ünïcødé 🚀 "q" \\ {a,b}', 'utf8'),
        null,
        Buffer.alloc(0),
        Buffer.from('{"a":1}'),
      ],
    });
  });

  it('writes integers of both sizes, negative and past 32 bits', () => {
    const int4 = binaryArray(
      [0, -1, 2 ** 31 - 1, -(2 ** 31)],
      BinaryElementType.int4,
      textOf,
    );
    expect(int4 && decodeBinaryArray(int4).elements).toEqual([
      int32(0),
      int32(-1),
      int32(2 ** 31 - 1),
      int32(-(2 ** 31)),
    ]);
    const values = [2 ** 40 + 5, -(2 ** 40) - 3, -1, Number.MAX_SAFE_INTEGER];
    const int8 = binaryArray(values, BinaryElementType.int8, textOf);
    expect(int8 && decodeBinaryArray(int8).elements).toEqual(
      values.map(value => int64(value)),
    );
  });

  it('writes times as microseconds since 2000, before and after it', () => {
    const times = [
      '2000-01-01T00:00:00.000Z',
      '2026-11-02T03:00:00.123Z',
      '1969-07-20T20:17:40.000Z',
      '+200000-01-01T00:00:00.000Z',
    ].map(iso => new Date(iso));
    const array = binaryArray(times, BinaryElementType.timestamptz, textOf);
    expect(array && decodeBinaryArray(array).elements).toEqual(
      times.map(time =>
        int64(BigInt(time.getTime()) * 1000n - BigInt(EPOCH_2000_MICROS)),
      ),
    );
  });

  it('writes booleans as one byte', () => {
    const array = binaryArray(
      [true, false, null],
      BinaryElementType.bool,
      textOf,
    );
    expect(array && decodeBinaryArray(array).elements).toEqual([
      Buffer.from([1]),
      Buffer.from([0]),
      null,
    ]);
  });

  it.each([
    ['a fraction', BinaryElementType.int4, 1.5],
    ['a number past int4', BinaryElementType.int4, 2 ** 31],
    ['an unsafe integer', BinaryElementType.int8, 2 ** 53],
    ['a string for an integer', BinaryElementType.int8, '12'],
    ['an invalid date', BinaryElementType.timestamptz, new Date(Number.NaN)],
    ['a string for a time', BinaryElementType.timestamptz, '2026-11-02'],
    ['a number for a boolean', BinaryElementType.bool, 1],
    ['a type not written in binary', 1700, 1],
  ])('has no binary form for %s', (_, elementType, value) => {
    expect(binaryArray([value], elementType, textOf)).toBeUndefined();
  });
});
