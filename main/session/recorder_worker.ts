// The recorder: a worker thread that owns the SessionWriter, so encoding, deriving and SQLite
// writes never run on the emulator's thread or the app's. It takes messages from a port the
// emulator writes to directly and reports commits and the end to its parent.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { SessionWriter } from './writer.ts';
import type { SessionInputs } from './inputs.ts';
import type { RecorderMessage, RecorderReport } from './recorder_protocol.ts';

const parent = parentPort!;
const { path, inputs, port } = workerData as { path: string; inputs: SessionInputs; port: MessagePort };
const report = (r: RecorderReport) => parent.postMessage(r);

let writer: SessionWriter;
try {
  writer = new SessionWriter(path, inputs);
} catch (e) {
  report({ type: 'error', message: `cannot create ${path}: ${e instanceof Error ? e.message : String(e)}` });
  process.exit(1);
}
writer.onCommit = (events) => report({ type: 'committed', events });
let lastCheckpoint: number | null = null;

// Commit what is queued when the emulator goes quiet, so a crash loses at most this much.
const idleCommit = setInterval(() => writer.commit(), 250);

function end(): void {
  clearInterval(idleCommit);
  port.close();
}

port.on('message', (m: RecorderMessage) => {
  try {
    switch (m.type) {
      case 'batch':
        writer.append({ firstSeq: m.firstSeq, count: m.count, words: m.words, texts: m.texts });
        break;
      case 'checkpoint':
        lastCheckpoint = writer.checkpoint(m.t, m.seq, m.snapshot, m.full ? null : lastCheckpoint);
        break;
      case 'finish': {
        const { outcome, stats } = writer.finish(m.stop, m.instructions);
        end();
        report({ type: 'finished', outcome, stats });
        break;
      }
      case 'abandon':
        writer.abandon();
        end();
        report({ type: 'abandoned' });
        break;
    }
  } catch (e) {
    writer.abandon();
    end();
    report({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
