// The machine's state at any instant of a recording: restore the nearest checkpoint at or
// before it (its full snapshot, then each dirty-page delta after it, in order) on a fresh
// machine, then re-execute deterministically up to the instant (DESIGN.md section 5).

import type { Machine } from '../../emulator/machine/machine.ts';
import type { VCpuState } from '../../emulator/machine/vcpu.ts';
import type { CheckpointInfo } from './reader.ts';
import { SessionFileError } from './open_session.ts';
import { CheckpointFormatError, openCheckpoint, type CheckpointImage } from './checkpoint_codec.ts';

/** What a time-travel query needs from a session: its checkpoints, from a reader or a client. */
export interface CheckpointSource {
  checkpoints(): CheckpointInfo[] | Promise<CheckpointInfo[]>;
  checkpointBlob(id: number): Buffer | Uint8Array | null | Promise<Buffer | Uint8Array | null>;
}

export interface MachineStateAt {
  /** The instant asked for, and the one reached (later only if every CPU slept through it). */
  asked: number;
  t: number;
  cpus: VCpuState[];
  /** The checkpoint restored, and how many instructions were re-executed from it. */
  checkpointT: number;
  replayed: number;
}

function corrupt(e: unknown, id: number): unknown {
  return e instanceof CheckpointFormatError ? new SessionFileError('corrupt', `checkpoint ${id} of the session ${e.message}`) : e;
}

/** Restores one checkpoint of a chain: its state, then its pages straight into memory. */
function restore(machine: Machine, blob: Uint8Array, id: number, first: boolean): void {
  let image: CheckpointImage;
  try {
    image = openCheckpoint(blob);
  } catch (e) {
    throw corrupt(e, id);
  }
  if (first && !image.state.full) throw new SessionFileError('corrupt', `checkpoint ${id} is a delta with no full checkpoint before it`);
  machine.restore(image.state);
  try {
    image.writePages(machine.mem.bytes);
  } catch (e) {
    throw corrupt(e, id);
  }
}

/**
 * Runs `machine` to the first instruction boundary at or after time t and returns the
 * instructions retired. The machine takes interrupts only where an uninterrupted run would, so
 * a restored machine stops exactly where the recording run passed.
 */
export function advanceTo(machine: Machine, t: number): number {
  return machine.clock < t ? machine.runUntil(t).instructions : 0;
}

/**
 * Reconstructs states of one recording. `build` makes a fresh machine exactly as the recording's
 * started (the caller's trusted code, never anything named by the file).
 */
export class TimeTravel {
  private machine: Machine | null = null;
  /** The checkpoint the machine was last restored from, to run on from it when asked for later. */
  private restoredFrom: CheckpointInfo | null = null;

  constructor(private readonly session: CheckpointSource, private readonly build: () => Machine | Promise<Machine>) {}

  async stateAt(t: number): Promise<MachineStateAt> {
    const checkpoints = [...(await this.session.checkpoints())].sort((a, b) => a.t - b.t || a.id - b.id);
    const at = checkpoints.filter((c) => c.t <= t).pop();
    if (!at) throw new RangeError(`no checkpoint at or before t=${t} (the recording has ${checkpoints.length})`);
    let machine = this.machine;
    // Running on from where the machine stands is cheaper than restoring, when it is on the way.
    const canRunOn = machine !== null && this.restoredFrom?.id === at.id && machine.clock <= t;
    if (!canRunOn) {
      // Restoring a full snapshot replaces all of a machine's state, so one machine serves every query.
      machine = this.machine ?? (await this.build());
      const byId = new Map(checkpoints.map((c) => [c.id, c]));
      const chain: CheckpointInfo[] = [];
      for (let c: CheckpointInfo | undefined = at; c; c = c.base === null ? undefined : byId.get(c.base)) {
        chain.unshift(c);
        if (chain.length > checkpoints.length) throw new SessionFileError('corrupt', 'the checkpoints of the session form a loop');
      }
      for (const c of chain) {
        const blob = await this.session.checkpointBlob(c.id);
        if (!blob) throw new SessionFileError('corrupt', `checkpoint ${c.id} of the session is missing`);
        restore(machine, blob, c.id, c === chain[0]);
      }
      this.machine = machine;
      this.restoredFrom = at;
    }
    const m = machine!;
    const start = m.clock;
    const replayed = advanceTo(m, t);
    return { asked: t, t: m.clock, cpus: m.vcpus.map((v) => v.save()), checkpointT: at.t, replayed: replayed + (canRunOn ? start - at.t : 0) };
  }

  /** Runs `read` on the machine as stateAt(t) leaves it: memory, page tables and devices, not only registers. */
  async readAt<T>(t: number, read: (m: Machine) => T | Promise<T>): Promise<T> {
    await this.stateAt(t);
    return read(this.machine!);
  }

  /**
   * The instant right after CPU `cpu` executes its next instruction after t (direction 1), or
   * its previous one before t (direction -1): a debugger's step of one CPU, while the others run
   * their turns as recorded. Null when the CPU executes none within reach (halted, or not started).
   */
  async stepCpu(t: number, cpu: number, direction: 1 | -1): Promise<number | null> {
    if (direction === 1) {
      await this.stateAt(t);
      const m = this.machine!;
      if (cpu < 0 || cpu >= m.vcpus.length) throw new RangeError(`no CPU ${cpu}`);
      return m.runCpuInstruction(cpu, STEP_REACH) ? m.clock : null;
    }
    const checkpoints = [...(await this.session.checkpoints())].map((c) => c.t).filter((ct) => ct < t).sort((a, b) => b - a);
    for (const from of checkpoints) {
      await this.stateAt(from);
      const m = this.machine!;
      if (cpu < 0 || cpu >= m.vcpus.length) throw new RangeError(`no CPU ${cpu}`);
      let last: number | null = null;
      while (m.clock < t && m.runCpuInstruction(cpu, t - m.clock) && m.clock < t) last = m.clock;
      if (last !== null) return last;
    }
    return null;
  }
}

/** How far ahead a forward step of one CPU looks before saying the CPU executes nothing. */
const STEP_REACH = 10_000_000;
