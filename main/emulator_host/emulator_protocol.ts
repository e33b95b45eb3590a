// Between the host (caller's thread) and the emulator worker.

import type { MachineRecipe } from './machine_recipe.ts';
import type { StopReason } from '../session/outcome.ts';
import type { VCpuState } from '../../emulator/machine/vcpu.ts';

export interface EmulatorJob {
  recipe: MachineRecipe;
  /** Instructions (all CPUs together) after which the run stops. */
  budget: number;
  /** Instructions per run slice: progress, stop requests and checkpoints happen between slices. */
  slice: number;
  /**
   * Virtual ticks between checkpoints (0: none). The first holds every page, the others the pages
   * written since the one before (the recorder makes full ones of them, off this thread).
   */
  checkpointEvery: number;
  /**
   * Instants (ascending) at which to report every vCPU's state, stopping at the first instruction
   * boundary at or after each as time travel does: what time-travel tests compare against.
   */
  captureAt: number[];
}

/** Control word shared with the worker (an Int32Array over a SharedArrayBuffer). */
export const Control = { Run: 0, Stop: 1, Pause: 2 } as const;

export type EmulatorReport =
  | { type: 'progress'; instructions: number; t: number; events: number }
  | { type: 'captured'; asked: number; t: number; cpus: VCpuState[] }
  | { type: 'done'; stop: StopReason; instructions: number; t: number; events: number; wallMs: number }
  | { type: 'error'; message: string };
