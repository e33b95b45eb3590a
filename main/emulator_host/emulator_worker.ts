// The emulator thread: builds the machine, runs it in slices, streams its event batches straight
// to the recorder's port as transferred buffers, takes checkpoints between slices, and tells the
// host how far it got. It never waits on the recorder.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { EventBatch } from '../../emulator/machine/events.ts';
import type { StopCause } from '../../emulator/machine/machine.ts';
import { buildMachine } from './machine_recipe.ts';
import { Control, type EmulatorJob, type EmulatorReport } from './emulator_protocol.ts';
import type { RecorderMessage } from '../session/recorder_protocol.ts';
import type { StopReason } from '../session/outcome.ts';

const parent = parentPort!;
const { job, recorder, control } = workerData as { job: EmulatorJob; recorder: MessagePort; control: Int32Array };
const report = (r: EmulatorReport) => parent.postMessage(r);
const send = (m: RecorderMessage, transfer: ArrayBuffer[] = []) => recorder.postMessage(m, transfer);

const STOP_REASONS: Record<StopCause, StopReason> = {
  'budget': 'budget', 'time': 'budget', 'power-off': 'power-off', 'all-halted': 'idle', 'shutdown': 'triple-fault',
  'condition': 'cancelled', 'event': 'cancelled',
};

async function main(): Promise<void> {
  const machine = await buildMachine(job.recipe);
  let events = 0;
  machine.attach({
    onBatch: (b: EventBatch) => {
      events += b.count;
      // The machine starts a fresh buffer for every batch, so this one can be handed over.
      send({ type: 'batch', firstSeq: b.firstSeq, count: b.count, words: b.words, texts: b.texts }, [b.words.buffer as ArrayBuffer]);
    },
  });
  const started = performance.now();
  let instructions = 0;
  let checkpoints = 0;
  let nextCheckpoint = job.checkpointEvery > 0 ? 0 : Infinity;
  let stop: StopReason = 'budget';
  let captured = 0;
  for (;;) {
    if (machine.clock >= nextCheckpoint) {
      // Only the first is full: the pages written since the last are all this thread copies.
      const snapshot = machine.snapshot(checkpoints === 0);
      checkpoints++;
      send({ type: 'checkpoint', t: machine.clock, seq: snapshot.eventSeq, full: snapshot.full, snapshot },
        snapshot.pages.map(([, page]) => page.buffer as ArrayBuffer));
      nextCheckpoint = machine.clock + job.checkpointEvery;
    }
    // Paused: sleep on the control word until resumed or stopped (the machine holds its state).
    while (Atomics.load(control, 0) === Control.Pause) Atomics.wait(control, 0, Control.Pause, 1000);
    if (Atomics.load(control, 0) === Control.Stop) { stop = 'cancelled'; break; }
    const left = job.budget - instructions;
    if (left <= 0) { stop = 'budget'; break; }
    // Run a slice, but stop exactly at the next checkpoint or capture instant.
    const capture = job.captureAt[captured] ?? Infinity;
    const until = Math.min(machine.clock + Math.min(job.slice, left), nextCheckpoint, capture);
    const r = machine.runUntil(Math.max(until, machine.clock + 1), left);
    instructions += r.instructions;
    report({ type: 'progress', instructions, t: machine.clock, events });
    while (captured < job.captureAt.length && machine.clock >= job.captureAt[captured]!) {
      report({ type: 'captured', asked: job.captureAt[captured]!, t: machine.clock, cpus: machine.vcpus.map((v) => v.save()) });
      captured++;
    }
    if (r.cause !== 'budget' && r.cause !== 'time') { stop = STOP_REASONS[r.cause]; break; }
  }
  machine.flushEvents();
  send({ type: 'finish', stop, instructions });
  report({ type: 'done', stop, instructions, t: machine.clock, events, wallMs: performance.now() - started });
}

main().catch((e: unknown) => {
  send({ type: 'abandon', reason: String(e) });
  report({ type: 'error', message: e instanceof Error ? e.message : String(e) });
});
