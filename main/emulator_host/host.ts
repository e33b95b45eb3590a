// Records a run: the emulator in one worker thread, the recorder in another (with its deriver in
// a third), batches flowing from the emulator to the recorder over a MessagePort without
// touching the caller's thread. The Electron utility process offers this same interface.

import { MessageChannel, type Worker } from 'node:worker_threads';
import { startWorker } from '../session/start_worker.ts';
import type { SessionInputs } from '../session/inputs.ts';
import type { Outcome, StopReason } from '../session/outcome.ts';
import type { RecordingStats } from '../session/writer.ts';
import type { RecorderReport } from '../session/recorder_protocol.ts';
import { Control, type EmulatorJob, type EmulatorReport } from './emulator_protocol.ts';
import type { MachineRecipe } from './machine_recipe.ts';
import type { VCpuState } from '../../emulator/machine/vcpu.ts';

/**
 * Virtual ticks between checkpoints: time travel re-executes at most this much after restoring
 * one, which keeps a seek to any instant under 100 ms (tests/bench/session_bench.ts measures it)
 * for about 45 KiB of checkpoints per million ticks.
 */
export const CHECKPOINT_EVERY = 500_000;

export interface RecordRequest {
  recipe: MachineRecipe;
  inputs: SessionInputs;
  out: string;
  budget: number;
  /** Virtual ticks between checkpoints (default CHECKPOINT_EVERY; 0 for none). */
  checkpointEvery?: number;
  onProgress?: (p: RecordProgress) => void;
  /** Instants at which to capture every vCPU's state during the run (time-travel tests). */
  captureAt?: number[];
}

export interface RecordProgress {
  instructions: number;
  t: number;
  events: number;
  /** Events safely committed to the file. */
  committed: number;
}

export interface RecordResult {
  path: string;
  stop: StopReason;
  outcome: Outcome;
  stats: RecordingStats;
  instructions: number;
  events: number;
  /** Wall time of the emulation alone, for MIPS. */
  emulationMs: number;
  captured: { asked: number; t: number; cpus: VCpuState[] }[];
}

/** A recording under way, wherever it runs (worker threads here, or a utility process in the desktop app). */
export interface RecordingControl {
  readonly done: Promise<RecordResult>;
  stop(): void;
  pause(): void;
  resume(): void;
}

/** Starts a recording: host.ts `record` or a client of an emulator host process. */
export type StartRecording = (req: RecordRequest) => RecordingControl;

export class Recording implements RecordingControl {
  readonly done: Promise<RecordResult>;
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private emulator!: Worker;
  private recorder!: Worker;

  constructor(req: RecordRequest) {
    this.done = this.start(req);
  }

  /** Asks the emulator to stop at the end of its current slice; the file is finished as cut short. */
  stop(): void {
    Atomics.store(this.control, 0, Control.Stop);
    Atomics.notify(this.control, 0);
  }

  /** Holds the emulator after its current slice; everything recorded so far is committed. */
  pause(): void {
    Atomics.compareExchange(this.control, 0, Control.Run, Control.Pause);
  }

  /** Lets a paused emulator go on exactly where it was. */
  resume(): void {
    Atomics.compareExchange(this.control, 0, Control.Pause, Control.Run);
    Atomics.notify(this.control, 0);
  }

  private start(req: RecordRequest): Promise<RecordResult> {
    const { port1, port2 } = new MessageChannel();
    const job: EmulatorJob = {
      recipe: req.recipe,
      budget: req.budget,
      slice: 1_000_000,
      checkpointEvery: req.checkpointEvery ?? CHECKPOINT_EVERY,
      captureAt: [...(req.captureAt ?? [])].sort((a, b) => a - b),
    };
    const captured: RecordResult['captured'] = [];
    this.recorder = startWorker(new URL('../session/recorder_worker.ts', import.meta.url), { path: req.out, inputs: req.inputs, port: port2 }, [port2]);
    this.emulator = startWorker(new URL('./emulator_worker.ts', import.meta.url), { job, recorder: port1, control: this.control }, [port1]);
    let progress: RecordProgress = { instructions: 0, t: 0, events: 0, committed: 0 };
    let emulated: Extract<EmulatorReport, { type: 'done' }> | null = null;
    let emulatorError: string | null = null;
    return new Promise<RecordResult>((resolve, reject) => {
      const failed = (message: string) => {
        void this.emulator.terminate();
        void this.recorder.terminate();
        reject(new Error(message));
      };
      this.emulator.on('message', (r: EmulatorReport) => {
        if (r.type === 'progress') {
          progress = { ...progress, instructions: r.instructions, t: r.t, events: r.events };
          req.onProgress?.(progress);
        } else if (r.type === 'captured') {
          captured.push({ asked: r.asked, t: r.t, cpus: r.cpus });
        } else if (r.type === 'done') {
          emulated = r;
          void this.emulator.terminate();
        } else {
          // The recorder was told to abandon; it reports back once the file is closed.
          emulatorError = r.message;
        }
      });
      this.emulator.on('error', (e) => failed(`the emulator failed: ${e.message}`));
      this.recorder.on('message', (r: RecorderReport) => {
        if (r.type === 'committed') {
          progress = { ...progress, committed: r.events };
          req.onProgress?.(progress);
        } else if (r.type === 'finished') {
          void this.recorder.terminate();
          const e = emulated;
          resolve({
            path: req.out, stop: e?.stop ?? 'cancelled', outcome: r.outcome, stats: r.stats,
            instructions: e?.instructions ?? r.stats.instructions, events: r.stats.events, emulationMs: e?.wallMs ?? r.stats.wallMs, captured,
          });
        } else if (r.type === 'abandoned') failed(`the run failed (${emulatorError ?? 'abandoned'}); the file holds what was recorded, marked cut short`);
        else failed(`recording failed: ${r.message}`);
      });
      this.recorder.on('error', (e) => failed(`recording failed: ${e.message}`));
    });
  }
}

/** Starts recording; `stop()` ends it early, `done` resolves when the file is finished. */
export function record(req: RecordRequest): Recording {
  return new Recording(req);
}
