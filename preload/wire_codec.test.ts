import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from './wire_codec.ts';

describe('wire codec', () => {
  it('carries typed arrays of every kind the API uses, values intact', () => {
    const value = {
      t: new Float64Array([0, 1.5, 2 ** 52 + 1, -3]),
      band: new Uint8Array([0, 7, 255]),
      label: new Int32Array([-1, 5, 2 ** 31 - 1]),
      count: new Uint32Array([0, 2 ** 32 - 1]),
      nested: [{ bytes: new Uint8Array(70_000).fill(9) }],
      text: '<b>not html</b>',
    };
    const back = decodeWire(encodeWire(value)) as typeof value;
    expect(back.t).toBeInstanceOf(Float64Array);
    expect([...back.t]).toEqual([...value.t]);
    expect([...back.band]).toEqual([0, 7, 255]);
    expect([...back.label]).toEqual([-1, 5, 2 ** 31 - 1]);
    expect([...back.count]).toEqual([0, 2 ** 32 - 1]);
    expect(back.nested[0]!.bytes.length).toBe(70_000);
    expect(back.text).toBe('<b>not html</b>');
  });

  it('keeps a view into a larger buffer to its own bytes', () => {
    const big = new Float64Array([1, 2, 3, 4]);
    const back = decodeWire(encodeWire({ v: big.subarray(1, 3) })) as { v: Float64Array };
    expect([...back.v]).toEqual([2, 3]);
  });

  it('refuses a ragged typed array', () => {
    expect(() => decodeWire(JSON.stringify({ $ta: 'f64', b64: btoa('abc') }))).toThrow(/ragged/);
  });
});
