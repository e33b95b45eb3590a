// Recording real machine runs through the emulator host: the emulator and the recorder each in
// their own thread, the file finished with the run's outcome, or cut short by a stop or a crash.

import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBatch, type MachineEvent } from '../../emulator/machine/events.ts';
import { record } from '../../main/emulator_host/host.ts';
import { SessionReader } from '../../main/session/reader.ts';
import { recordScripted, scriptedInputs, tempDir } from './fixtures/record_scripted.ts';
import { MessageChannel } from 'node:worker_threads';
import type { EventBatch } from '../../emulator/machine/events.ts';
import { startWorker } from '../../main/session/start_worker.ts';
import type { RecorderReport } from '../../main/session/recorder_protocol.ts';
import { userKernelProgram, type ProgramOptions } from './fixtures/user_kernel_program.ts';

const recipe = (options: ProgramOptions) => ({ module: new URL('./fixtures/user_kernel_program.ts', import.meta.url).href, build: 'userKernelProgram', options });
const inputs = { ...scriptedInputs(2), scenario: 'user-kernel-program' };

/** The same program run in this thread, for comparison: the events a recording must hold. */
function directRun(options: ProgramOptions, budget: number): MachineEvent[] {
  const m = userKernelProgram(options);
  const events: MachineEvent[] = [];
  m.attach({ onBatch: (b) => events.push(...decodeBatch(b)) });
  m.run(budget);
  return events;
}

/** Feeds batches to the recorder worker as the emulator does, over a port, and waits for the end. */
async function recordThroughRecorder(out: string, batches: EventBatch[]): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  const recorder = startWorker(new URL('../../main/session/recorder_worker.ts', import.meta.url), { path: out, inputs: scriptedInputs(4), port: port2 }, [port2]);
  const done = new Promise<void>((resolve, reject) => recorder.on('message', (m: RecorderReport) => {
    if (m.type === 'finished') resolve();
    else if (m.type === 'error') reject(new Error(m.message));
  }));
  for (const b of batches) port1.postMessage({ type: 'batch', firstSeq: b.firstSeq, count: b.count, words: b.words.slice(), texts: b.texts });
  port1.postMessage({ type: 'finish', stop: 'idle', instructions: 0 });
  await done;
  await recorder.terminate();
}

describe('the recorder threads', () => {
  it('derive in their own thread exactly what the writer derives inline', async () => {
    const dir = tempDir();
    const batches = recordScripted(join(dir, 'inline.flt'), { cpus: 4, events: 150000, ending: 'triple-fault' }, 'idle');
    await recordThroughRecorder(join(dir, 'threads.flt'), batches);
    const a = SessionReader.open(join(dir, 'inline.flt'));
    const b = SessionReader.open(join(dir, 'threads.flt'));
    const info = a.info();
    expect(b.info().events).toBe(info.events);
    expect(b.info().outcome).toEqual(info.outcome);
    expect(b.tracks()).toEqual(a.tracks());
    for (const tpp of [1, (info.tLast - info.tFirst) / 1000]) {
      expect(b.spans(info.tFirst, info.tLast + 1, tpp)).toEqual(a.spans(info.tFirst, info.tLast + 1, tpp));
    }
    expect(b.flows(info.tFirst, info.tLast + 1)).toEqual(a.flows(info.tFirst, info.tLast + 1));
    expect(b.consoleText()).toBe(a.consoleText());
    expect(b.tasks()).toEqual(a.tasks());
    a.close();
    b.close();
  });
});

describe('recording a machine run', () => {
  it('stores exactly the events the machine emits, and the outcome of the run', async () => {
    const out = join(tempDir(), 'run.flt');
    const options = { cpus: 2, syscalls: 400 };
    const result = await record({ recipe: recipe(options), inputs, out, budget: 5_000_000, checkpointEvery: 50_000 }).done;
    expect(result.outcome.kind).toBe('exit');
    const want = directRun(options, 5_000_000);
    const reader = SessionReader.open(out);
    const info = reader.info();
    expect(info.status).toBe('complete');
    expect(info.events).toBe(want.length);
    expect(reader.events({ limit: 100000 })).toEqual(want);
    expect(info.checkpoints).toBeGreaterThan(2);
    const lockLane = reader.tracks().find((t) => t.kind === 'lock');
    expect(lockLane?.name).toBe('tty_lock on CPU 0');
    // The last call powers the machine off and never returns.
    const sysrets = want.filter((e) => e.kind === 'priv-switch' && e.cause === 'sysret').length;
    expect(sysrets).toBe(399);
    expect(reader.flows(0, info.tLast + 1).filter((f) => f.kind === 'syscall').length).toBe(sysrets);
    reader.close();
  });

  it('ends early on stop() with a file marked cut short', async () => {
    const out = join(tempDir(), 'stopped.flt');
    let slices = 0;
    const recording = record({
      recipe: recipe({ cpus: 2, syscalls: 0 }), inputs, out, budget: Number.MAX_SAFE_INTEGER,
      onProgress: () => { if (++slices === 3) recording.stop(); },
    });
    const result = await recording.done;
    expect(result.outcome.kind).toBe('cut-short');
    const reader = SessionReader.open(out);
    expect(reader.info().outcome.kind).toBe('cut-short');
    expect(reader.info().events).toBeGreaterThan(0);
    reader.close();
  });

  it('survives kill -9 of the recording process: the file opens, holds every committed batch, and is marked cut short', async () => {
    const out = join(tempDir(), 'killed.flt');
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./fixtures/record_until_killed.ts', import.meta.url).pathname, out], { stdio: ['ignore', 'pipe', 'inherit'] });
    const committed = await new Promise<number>((resolve, reject) => {
      let seen = 0;
      let commits = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        for (const m of chunk.toString().matchAll(/committed (\d+)/g)) {
          seen = Number(m[1]);
          if (++commits === 3) {
            child.kill('SIGKILL');
            resolve(seen);
          }
        }
      });
      child.on('exit', () => reject(new Error('the child ended before it was killed')));
      setTimeout(() => reject(new Error('no commits seen')), 60000);
    });
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(out)).toBe(true);
    const reader = SessionReader.open(out);
    const info = reader.info();
    expect(info.status).toBe('cut-short');
    expect(info.outcome.kind).toBe('cut-short');
    expect(info.events).toBeGreaterThanOrEqual(committed);
    const stored = reader.events({ limit: 100000 });
    const want = directRun({ cpus: 2, syscalls: 0 }, info.tLast + 10_000).slice(0, stored.length);
    expect(stored).toEqual(want);
    // Every CPU lane reaches the end of what was saved, zoomed in and zoomed out.
    const lanes = reader.tracks().filter((t) => t.kind === 'cpu-mode').map((t) => t.id);
    expect(lanes).toHaveLength(2);
    for (const lane of reader.spans(info.tLast - 5000, info.tLast + 1, 1, lanes)) {
      if (lane.level !== null) throw new Error('expected raw spans');
      expect(lane.spans.at(-1)!.t1).toBe(info.tLast);
    }
    for (const lane of reader.spans(info.tFirst, info.tLast + 1, (info.tLast - info.tFirst) / 50, lanes)) {
      if (lane.level === null) throw new Error('expected summaries');
      expect(Math.max(...lane.summaries.map((r) => r.t1))).toBeGreaterThanOrEqual(info.tLast);
    }
    reader.close();
  });
});
