import { describe, expect, it } from 'vitest';
import { decodeRows, encodeRows, RowChunkError } from '../../main/session/row_chunk.ts';

describe('row chunks', () => {
  it('decode back to the same integers, large and negative included', () => {
    const cols = [[0, 5, 2 ** 50, 3], [-1, -(2 ** 40), 7, 7], [1, 1, 1, 1]];
    expect(decodeRows(encodeRows(cols), 3)).toEqual(cols);
  });

  it('reject a chunk with the wrong column count or damaged bytes', () => {
    const blob = encodeRows([Array.from({ length: 500 }, (_, i) => i * 3), Array.from({ length: 500 }, (_, i) => i % 7)]);
    expect(() => decodeRows(blob, 3)).toThrow(RowChunkError);
    expect(() => decodeRows(blob.subarray(0, blob.length - 3), 2)).toThrow(RowChunkError);
  });
});
