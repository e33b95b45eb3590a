import { describe, expect, it } from 'vitest';
import { brotliDecompressSync, deflateRawSync } from 'node:zlib';
import { CheckpointFormatError, decodeCheckpoint, encodeCheckpoint, openCheckpoint } from '../../main/session/checkpoint_codec.ts';
import type { MachineSnapshot } from '../../emulator/machine/machine.ts';
import { userKernelProgram } from './fixtures/user_kernel_program.ts';

describe('checkpoints', () => {
  it('restore to exactly the machine that was saved', () => {
    const m = userKernelProgram({ cpus: 2, syscalls: 0 });
    m.run(50_000);
    const saved = m.snapshot(true);
    const back = decodeCheckpoint(encodeCheckpoint(saved));
    expect(back.cpus).toEqual(saved.cpus);
    expect(back.clock).toBe(saved.clock);
    expect(back.pages.map(([n]) => n)).toEqual(saved.pages.map(([n]) => n));
    back.pages.forEach(([, data], i) => expect(Buffer.compare(data, saved.pages[i]![1])).toBe(0));
  });

  it('store equal pages once', () => {
    const fill = new Uint8Array(4096).fill(1);
    const base = userKernelProgram({ cpus: 1, syscalls: 0 }).snapshot(true);
    const many: MachineSnapshot = { ...base, pages: Array.from({ length: 2000 }, (_, i) => [i, fill.slice()] as [number, Uint8Array]) };
    expect(encodeCheckpoint(many).length).toBeLessThan(encodeCheckpoint(base).length + 20000);
    expect(decodeCheckpoint(encodeCheckpoint(many)).pages).toHaveLength(2000);
  });

  it('store a page holding a few words in a few bytes, and write it back over what memory held', () => {
    const base = userKernelProgram({ cpus: 1, syscalls: 0 }).snapshot(true);
    const pages = Array.from({ length: 3000 }, (_, i) => {
      const page = new Uint8Array(4096);
      new DataView(page.buffer).setUint32(0, 0x1000 * (i + 2), true); // a free-list link
      page[4095] = i & 0xff;
      return [i, page] as [number, Uint8Array];
    });
    const blob = encodeCheckpoint({ ...base, full: false, pages });
    expect(blob.length).toBeLessThan(encodeCheckpoint(base).length + 3000 * 16);
    const memory = new Uint8Array(3000 * 4096).fill(0xee);
    const image = openCheckpoint(blob);
    expect([...image.pages]).toEqual(pages.map(([n]) => n));
    image.writePages(memory);
    pages.forEach(([n, data]) => expect(Buffer.compare(memory.subarray(n * 4096, (n + 1) * 4096), data)).toBe(0));
    expect(() => image.writePages(new Uint8Array(4096))).toThrow(CheckpointFormatError);
  });

  it('decode the deflated blobs of formats 1 and 2 as well', () => {
    const saved = userKernelProgram({ cpus: 2, syscalls: 0 }).snapshot(true);
    const blob = encodeCheckpoint(saved);
    expect(blob[0]).toBe(0xff);
    const older = deflateRawSync(brotliDecompressSync(blob.subarray(1)), { level: 1 });
    expect(decodeCheckpoint(older)).toEqual(decodeCheckpoint(blob));
  });

  it('reject damaged blobs with a CheckpointFormatError', () => {
    const blob = encodeCheckpoint(userKernelProgram({ cpus: 1, syscalls: 0 }).snapshot(true));
    expect(() => decodeCheckpoint(blob.subarray(0, blob.length / 2))).toThrow(CheckpointFormatError);
    expect(() => decodeCheckpoint(Buffer.from('not a checkpoint'))).toThrow(CheckpointFormatError);
    expect(() => decodeCheckpoint(Buffer.concat([Buffer.of(0xff), Buffer.from('not brotli')]))).toThrow(CheckpointFormatError);
  });
});
