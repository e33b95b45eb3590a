// The recorder: a worker thread that owns the SessionWriter, so encoding and SQLite writes never
// run on the emulator's thread or the app's, with the deriver in a thread of its own beside it
// (derive_worker.ts). It takes messages from a port the emulator writes to directly and reports
// commits and the end to its parent.

import { MessageChannel, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { SessionWriter } from './writer.ts';
import type { SessionInputs } from './inputs.ts';
import type { DeriverMessage, DeriverReport, RecorderMessage, RecorderReport } from './recorder_protocol.ts';
import { startWorker } from './start_worker.ts';

const parent = parentPort!;
const { path, inputs, port } = workerData as { path: string; inputs: SessionInputs; port: MessagePort };
const report = (r: RecorderReport) => parent.postMessage(r);

let writer: SessionWriter;
try {
  writer = new SessionWriter(path, inputs, { derive: 'external' });
} catch (e) {
  report({ type: 'error', message: `cannot create ${path}: ${e instanceof Error ? e.message : String(e)}` });
  process.exit(1);
}
writer.onCommit = (events) => report({ type: 'committed', events });

/**
 * Every FULL_CHECKPOINT_EVERY-th checkpoint is stored full, the others as deltas on the one
 * before: time travel restores a full one and at most that many deltas. The emulator sends only
 * deltas after its first snapshot; the full ones are made here from the pages seen so far, so
 * the emulator's thread never copies all of memory.
 */
const FULL_CHECKPOINT_EVERY = 16;
const pages = new Map<number, Uint8Array>();
let lastCheckpoint: number | null = null;
let sinceFull = 0;

function checkpoint(m: Extract<RecorderMessage, { type: 'checkpoint' }>): void {
  if (m.full) pages.clear();
  for (const [n, page] of m.snapshot.pages) pages.set(n, page);
  if (m.full || ++sinceFull === FULL_CHECKPOINT_EVERY) {
    const all = [...pages].sort((a, b) => a[0] - b[0]);
    lastCheckpoint = writer.checkpoint(m.t, m.seq, { ...m.snapshot, full: true, pages: all }, null);
    sinceFull = 0;
  } else lastCheckpoint = writer.checkpoint(m.t, m.seq, m.snapshot, lastCheckpoint);
}

const channel = new MessageChannel();
const deriverThread = startWorker(new URL('./derive_worker.ts', import.meta.url), { port: channel.port2 }, [channel.port2]);
const toDeriver = (m: DeriverMessage, transfer: ArrayBuffer[] = []) => channel.port1.postMessage(m, transfer);
/** The emulator's last word, kept until the deriver has handed over its last rows. */
let finishing: Extract<RecorderMessage, { type: 'finish' }> | null = null;

// A commit holds the batches queued so far and the rows derived from them: when the writer's
// policy calls for one, the deriver is asked for its rows, and their arrival commits both (the
// batches that came meanwhile wait for the next hand-over).
/** Batches the deriver had when asked for its rows; null when none is asked. */
let handOverCovers: number | null = null;
function commitSoon(): void {
  if (handOverCovers !== null || !writer.due()) return;
  handOverCovers = writer.queuedBatches;
  toDeriver({ type: 'hand-over' });
}
// Also when the emulator goes quiet, so a crash loses at most this much.
const idleCommit = setInterval(commitSoon, 250);

function end(): void {
  clearInterval(idleCommit);
  port.close();
  channel.port1.close();
  void deriverThread.terminate();
}

function fail(e: unknown): void {
  writer.abandon();
  end();
  report({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

deriverThread.on('error', fail);

channel.port1.on('message', (r: DeriverReport) => {
  try {
    if (r.type === 'derived') {
      writer.addDerived(r.chunks);
      writer.commit(handOverCovers ?? 0);
      handOverCovers = null;
    } else if (finishing) {
      const { outcome, stats } = writer.finish(finishing.stop, finishing.instructions, { last: r.last, facts: r.facts });
      end();
      report({ type: 'finished', outcome, stats });
    }
  } catch (e) {
    fail(e);
  }
});

port.on('message', (m: RecorderMessage) => {
  try {
    switch (m.type) {
      case 'batch':
        // The writer encodes the batch at once; then its buffer moves on to the deriver, uncopied.
        writer.append({ firstSeq: m.firstSeq, count: m.count, words: m.words, texts: m.texts });
        toDeriver(m, [m.words.buffer as ArrayBuffer]);
        commitSoon();
        break;
      case 'checkpoint':
        checkpoint(m);
        break;
      case 'finish':
        finishing = m;
        toDeriver({ type: 'finish' });
        break;
      case 'abandon':
        writer.abandon();
        end();
        report({ type: 'abandoned' });
        break;
    }
  } catch (e) {
    fail(e);
  }
});
