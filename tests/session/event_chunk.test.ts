import { describe, expect, it } from 'vitest';
import { decodeChunk, encodeChunk, ChunkFormatError } from '../../main/session/event_chunk.ts';
import { EventKind, EventLog, RECORD_WORDS, type EventBatch } from '../../emulator/machine/events.ts';
import { scriptedBatches } from './fixtures/scripted_stream.ts';

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

describe('event chunks', () => {
  it('decode back to exactly the words the machine produced', () => {
    const batches = scriptedBatches({ cpus: 4, events: 20000, ending: 'triple-fault' });
    for (const b of batches) {
      const back = decodeChunk(encodeChunk(b.words, b.count), b.firstSeq, b.texts);
      expect(back.count).toBe(b.count);
      expect(sameWords(back.words, b.words)).toBe(true);
    }
  });

  it('keep non-integer and negative times exactly', () => {
    const batches: EventBatch[] = [];
    const log = new EventLog({ onBatch: (b) => batches.push(b) });
    for (const t of [0.5, -3, 2 ** 52 + 1, 7]) log.begin(EventKind.Halt, 1, 0, 3, t);
    log.flush();
    const b = batches[0]!;
    const back = decodeChunk(encodeChunk(b.words, b.count), 0, []);
    expect(sameWords(back.words, b.words)).toBe(true);
  });

  it('take under 24 bytes per event on a kernel-like stream', () => {
    const batches = scriptedBatches({ cpus: 4, events: 50000 });
    let bytes = 0, events = 0;
    for (const b of batches) { bytes += encodeChunk(b.words, b.count).length; events += b.count; }
    expect(bytes / events).toBeLessThan(24);
  });

  it('reject damaged chunks with a ChunkFormatError, never a crash', () => {
    const b = scriptedBatches({ cpus: 2, events: 3000 })[0]!;
    const blob = encodeChunk(b.words, b.count);
    const cases: Buffer[] = [blob.subarray(0, 4), blob.subarray(0, blob.length - 7), Buffer.concat([blob, Buffer.from([1, 2, 3])])];
    for (let i = 0; i < blob.length; i += 97) {
      const bad = Buffer.from(blob);
      bad[i] ^= 0x5a;
      cases.push(bad);
    }
    const huge = Buffer.from(blob);
    huge.writeUInt32LE(0xffffffff, 4);
    cases.push(huge);
    for (const bad of cases) {
      try {
        const back = decodeChunk(bad, 0, []);
        // A flip that still decodes must at least give a well-formed batch.
        expect(back.words.length).toBe(back.count * RECORD_WORDS);
      } catch (e) {
        expect(e).toBeInstanceOf(ChunkFormatError);
      }
    }
  });
});
