// Messages into the recorder worker. Batches, checkpoints and the end of the run all come down
// one MessagePort from the emulator, so the recorder sees them in the order they happened.

import type { StopReason, Outcome } from './outcome.ts';
import type { RecordingStats } from './writer.ts';

export type RecorderMessage =
  | { type: 'batch'; firstSeq: number; count: number; words: Uint32Array; texts: string[] }
  | { type: 'checkpoint'; t: number; seq: number; full: boolean; snapshot: unknown }
  | { type: 'finish'; stop: StopReason; instructions: number }
  /** The run failed or was abandoned: commit what came and leave the file marked cut short. */
  | { type: 'abandon'; reason: string };

/** What the recorder worker tells its parent. */
export type RecorderReport =
  | { type: 'committed'; events: number }
  | { type: 'finished'; outcome: Outcome; stats: RecordingStats }
  | { type: 'abandoned' }
  | { type: 'error'; message: string };
