// Messages into the recorder worker. Batches, checkpoints and the end of the run all come down
// one MessagePort from the emulator, so the recorder sees them in the order they happened.

import type { StopReason, Outcome } from './outcome.ts';
import type { RecordingStats } from './writer.ts';
import type { RunFacts } from './derive.ts';
import type { DerivedChunks } from './derived_chunks.ts';
import type { MachineSnapshot } from '../../emulator/machine/machine.ts';

export type RecorderMessage =
  | { type: 'batch'; firstSeq: number; count: number; words: Uint32Array; texts: string[] }
  /** A machine snapshot: full (every page) or a delta (the pages written since the last one). */
  | { type: 'checkpoint'; t: number; seq: number; full: boolean; snapshot: MachineSnapshot }
  | { type: 'finish'; stop: StopReason; instructions: number }
  /** The run failed or was abandoned: commit what came and leave the file marked cut short. */
  | { type: 'abandon'; reason: string };

/** What the recorder worker tells its parent. */
export type RecorderReport =
  | { type: 'committed'; events: number }
  | { type: 'finished'; outcome: Outcome; stats: RecordingStats }
  | { type: 'abandoned' }
  | { type: 'error'; message: string };

/** From the recorder to its deriver thread. */
export type DeriverMessage =
  | { type: 'batch'; firstSeq: number; count: number; words: Uint32Array; texts: string[] }
  /** The recorder is about to commit: hand over what is derived so far. */
  | { type: 'hand-over' }
  | { type: 'finish' };

/** From the deriver back to the recorder. */
export type DeriverReport =
  | { type: 'derived'; chunks: DerivedChunks }
  | { type: 'finished'; last: DerivedChunks; facts: RunFacts };
