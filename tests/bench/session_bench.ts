// Session files: how fast events go into SQLite and how many bytes each costs, for the storage
// layouts considered (the writer uses "columnar deltas per shape, brotli"); then a whole recording with derived
// data, inline and in the recorder's threads; then open time and the latency of the queries a
// renderer makes while scrubbing; then a real recording of the guest kernel (over 1e8
// instructions): the recording overhead against a run with no observer, and the latency of time
// travel to random instants. Ends with the session layer's targets, measured in this one run.
// Wall times depend on the machine's load (printed); CPU times less so.
// Run with `npm run bench -- session`.

import Database from 'better-sqlite3';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { RECORD_WORDS, type EventBatch } from '../../emulator/machine/events.ts';
import { encodeChunk } from '../../main/session/event_chunk.ts';
import { SessionWriter } from '../../main/session/writer.ts';
import { SessionReader } from '../../main/session/reader.ts';
import { SessionClient } from '../../main/session/session_client.ts';
import { scriptedBatches } from '../session/fixtures/scripted_stream.ts';
import { scriptedInputs } from '../session/fixtures/record_scripted.ts';
import { SCENARIOS } from '../../emulator/scenarios/catalogue.ts';
import { CHECKPOINT_EVERY, record } from '../../main/emulator_host/host.ts';
import { loadavg } from 'node:os';
import { Deriver } from '../../main/session/derive.ts';
import type { DerivedChunks } from '../../main/session/derived_chunks.ts';
import { SCENARIO_MACHINE_RECIPE, scenarioRunMachine } from '../../main/emulator_host/scenario_run_machine.ts';
import { readGuestBuild } from '../../main/session/guest_build.ts';
import { TimeTravel } from '../../main/session/time_travel.ts';
import { startWorker } from '../../main/session/start_worker.ts';
import type { RecorderReport } from '../../main/session/recorder_protocol.ts';
import { MessageChannel } from 'node:worker_threads';

const EVENTS = 1_000_000;
const COMMIT_EVENTS = 65536;

type Layout = { name: string; table: string; insert: (db: Database.Database) => (b: EventBatch) => void };

const LAYOUTS: Layout[] = [
  {
    name: 'row per event',
    table: 'CREATE TABLE e (seq INTEGER PRIMARY KEY, t INTEGER, w0 INTEGER, pid INTEGER, a0 INTEGER, a1 INTEGER, a2 INTEGER, a3 INTEGER, a4 INTEGER, a5 INTEGER, a6 INTEGER, a7 INTEGER)',
    insert: (db) => {
      const st = db.prepare('INSERT INTO e VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      return (b) => {
        const t64 = new Float64Array(b.words.buffer, b.words.byteOffset, (b.count * RECORD_WORDS) / 2);
        const w = b.words;
        const arg = (i: number, n: number) => (BigInt(w[i * RECORD_WORDS + 5 + 2 * n]! | 0) << 32n) | BigInt(w[i * RECORD_WORDS + 4 + 2 * n]!);
        for (let i = 0; i < b.count; i++) {
          st.run(b.firstSeq + i, t64[i * 10 + 1], w[i * RECORD_WORDS], w[i * RECORD_WORDS + 1]! | 0, arg(i, 0), arg(i, 1), arg(i, 2), arg(i, 3), arg(i, 4), arg(i, 5), arg(i, 6), arg(i, 7));
        }
      };
    },
  },
  {
    name: 'raw batch blob',
    table: 'CREATE TABLE e (first_seq INTEGER PRIMARY KEY, data BLOB)',
    insert: (db) => { const st = db.prepare('INSERT INTO e VALUES (?, ?)'); return (b) => st.run(b.firstSeq, Buffer.from(b.words.buffer, b.words.byteOffset, b.count * RECORD_WORDS * 4)); },
  },
  {
    name: 'raw batch, deflated',
    table: 'CREATE TABLE e (first_seq INTEGER PRIMARY KEY, data BLOB)',
    insert: (db) => { const st = db.prepare('INSERT INTO e VALUES (?, ?)'); return (b) => st.run(b.firstSeq, deflateRawSync(new Uint8Array(b.words.buffer, b.words.byteOffset, b.count * RECORD_WORDS * 4), { level: 1 })); },
  },
  {
    name: 'columnar deltas',
    table: 'CREATE TABLE e (first_seq INTEGER PRIMARY KEY, data BLOB)',
    insert: (db) => { const st = db.prepare('INSERT INTO e VALUES (?, ?)'); return (b) => st.run(b.firstSeq, encodeChunk(b.words, b.count, false)); },
  },
  {
    name: 'columnar deltas, deflated',
    table: 'CREATE TABLE e (first_seq INTEGER PRIMARY KEY, data BLOB)',
    insert: (db) => { const st = db.prepare('INSERT INTO e VALUES (?, ?)'); return (b) => st.run(b.firstSeq, deflateRawSync(encodeChunk(b.words, b.count, false), { level: 1 })); },
  },
  {
    name: 'columnar deltas, brotli',
    table: 'CREATE TABLE e (first_seq INTEGER PRIMARY KEY, data BLOB)',
    insert: (db) => { const st = db.prepare('INSERT INTO e VALUES (?, ?)'); return (b) => st.run(b.firstSeq, encodeChunk(b.words, b.count)); },
  },
];

function pad(s: string, n: number): string {
  return s.padEnd(n);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/** The targets of the session layer, filled in as they are measured and printed at the end. */
const targets: string[] = [];

function load(): string {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on 2 cores`;
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
}

/** Milliseconds of this process's CPU time spent in f: steady when the machine is busy. */
function cpuTime(f: () => void): number {
  const u0 = process.cpuUsage();
  f();
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000;
}

export async function run(): Promise<void> {
  const loadAtStart = load();
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  const batches = scriptedBatches({ cpus: 4, events: EVENTS, ending: 'panic' });
  const events = batches.reduce((n, b) => n + b.count, 0);
  console.log(`session: ${events} scripted kernel-like events on 4 CPUs (${loadAtStart})`);

  console.log('  event storage layouts (WAL, a transaction per 64K events, texts not included):');
  for (const layout of LAYOUTS) {
    const path = join(dir, `${layout.name.replace(/\W+/g, '_')}.db`);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(layout.table);
    const insert = layout.insert(db);
    const tx = db.transaction((list: EventBatch[]) => { for (const b of list) insert(b); });
    let ms = 0;
    const cpu = cpuTime(() => {
      ms = time(() => {
        for (let i = 0; i < batches.length; i += COMMIT_EVENTS / 4096) tx(batches.slice(i, i + COMMIT_EVENTS / 4096));
        db.pragma('wal_checkpoint(TRUNCATE)');
      })[1];
    });
    db.close();
    const bytes = statSync(path).size;
    console.log(`    ${pad(layout.name, 26)} ${(events / ms / 1000).toFixed(2)} M events/s (${(events / cpu / 1000).toFixed(2)} per CPU second)  ${(bytes / events).toFixed(1)} bytes/event`);
  }

  const file = join(dir, 'recording.flt');
  const writer = new SessionWriter(file, scriptedInputs(4));
  let wallMs = 0;
  const cpuMs = cpuTime(() => {
    wallMs = time(() => {
      for (const b of batches) writer.append(b);
      writer.finish('idle', events);
    })[1];
  });
  const size = statSync(file).size;
  console.log(`  whole recording in one thread (events, spans, summaries, flows, console): ${(events / wallMs / 1000).toFixed(2)} M events/s wall (${(events / cpuMs / 1000).toFixed(2)} per CPU second), ${(size / events).toFixed(1)} bytes/event, ${(size / 2 ** 20).toFixed(1)} MiB`);
  targets.push(`bytes per event on disk (everything derived included): ${(size / events).toFixed(1)} (target <= 24)`);

  await recorderThreads(dir, batches, events);

  const [reader, openMs] = time(() => SessionReader.open(file));
  const [, fullMs] = time(() => SessionReader.open(file, 'full').close());
  const t0 = performance.now();
  const client = await SessionClient.open(file);
  const workerOpenMs = performance.now() - t0;
  console.log(`  open: ${openMs.toFixed(0)} ms (quick check), ${fullMs.toFixed(0)} ms (full integrity check), ${workerOpenMs.toFixed(0)} ms in a worker`);
  await client.close();
  await openAndZoomOut(file);

  const info = reader.info();
  const span = info.tLast - info.tFirst;
  let x = 12345;
  const rand = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
  const measure = (name: string, f: () => unknown) => {
    const ms: number[] = [];
    for (let i = 0; i < 200; i++) ms.push(time(f)[1]);
    console.log(`    ${pad(name, 48)} median ${percentile(ms, 0.5).toFixed(2)} ms  p95 ${percentile(ms, 0.95).toFixed(2)} ms`);
  };
  console.log('  queries at random instants (1000-pixel lanes, all tracks):');
  measure('whole recording overview (summaries)', () => reader.spans(info.tFirst, info.tLast, span / 1000));
  measure('window of 1% of the run', () => { const a = info.tFirst + rand() * span * 0.99; reader.spans(a, a + span / 100, span / 100 / 1000); });
  measure('window of 100k ticks (raw spans)', () => { const a = info.tFirst + rand() * span; reader.spans(a, a + 100_000, 100); });
  measure('event marks, window of 100k ticks', () => { const a = info.tFirst + rand() * span; reader.eventMarks(a, a + 100_000, 100); });
  measure('flows, window of 100k ticks', () => { const a = info.tFirst + rand() * span; reader.flows(a, a + 100_000); });
  measure('next exception from a random instant', () => reader.step(info.tFirst + rand() * span, 1, { kinds: ['exception'] }));
  measure('previous panic from a random instant', () => reader.step(info.tFirst + rand() * span, -1, { kinds: ['trace'], traceTypes: [16] }));
  measure('event by sequence number', () => reader.eventAt(Math.floor(rand() * events)));
  measure('console up to a random instant', () => reader.consoleUpTo(info.tFirst + rand() * span, 64 << 10));
  reader.close();
  await guestRecording(dir);

  console.log(`  targets (measured in this run; ${loadAtStart} at the start, ${load()} at the end):`);
  for (const t of targets) console.log(`    ${t}`);
}

/** Batches sent to the recorder threads before timing starts: enough for both to be up and warm. */
const WARM_BATCHES = 64;

/**
 * The recorder as the emulator host runs it: writer and deriver each in a thread, fed over a
 * port. Timed once the first WARM_BATCHES are committed (both threads up and warm) to the
 * finished file.
 */
async function recorderThreads(dir: string, batches: EventBatch[], events: number): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  const recorder = startWorker(new URL('../../main/session/recorder_worker.ts', import.meta.url), { path: join(dir, 'threads.flt'), inputs: scriptedInputs(4), port: port2 }, [port2]);
  const copies = batches.map((b) => ({ ...b, words: b.words.slice() }));
  const send = (b: EventBatch) => port1.postMessage({ type: 'batch', firstSeq: b.firstSeq, count: b.count, words: b.words, texts: b.texts }, [b.words.buffer as ArrayBuffer]);
  const warm = copies.slice(0, WARM_BATCHES);
  const warmEvents = warm.reduce((n, b) => n + b.count, 0);
  let warmedUp: () => void = () => {};
  const committed = new Promise<void>((resolve) => { warmedUp = resolve; });
  const done = new Promise<void>((resolve, reject) => recorder.on('message', (m: RecorderReport) => {
    if (m.type === 'committed' && m.events >= warmEvents) warmedUp();
    else if (m.type === 'finished') resolve();
    else if (m.type === 'error') reject(new Error(m.message));
  }));
  warm.forEach(send);
  await committed;
  const rest = copies.slice(WARM_BATCHES);
  const timed = rest.reduce((n, b) => n + b.count, 0);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const b of rest) send(b);
  port1.postMessage({ type: 'finish', stop: 'idle', instructions: events });
  await done;
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await recorder.terminate();
  const cpu = (c.user + c.system) / 1000;
  console.log(`  recorder threads (writer + deriver, as the emulator host runs them), sustained: ${(timed / ms / 1000).toFixed(2)} M events/s wall, ${(cpu * 1e6 / timed).toFixed(0)} ms CPU per 1M events (all threads)`);

  // The same work split as the threads split it, each half timed in CPU alone (the second time,
  // warm): what each thread needs per event, so what the pipeline sustains when each has a core.
  splitWork(dir, batches, 0);
  const { deriveMs, writeMs } = splitWork(dir, batches, 1);
  const slowest = Math.max(deriveMs, writeMs);
  console.log(`    per 1M events: the writer's thread ${(writeMs * 1e6 / events).toFixed(0)} ms CPU (encode, compress, SQLite), the deriver's ${(deriveMs * 1e6 / events).toFixed(0)} ms CPU: ${(events / slowest / 1000).toFixed(2)} M events/s with a core each`);
  targets.push(`events into SQLite with everything derived, recorder threads: ${(timed / ms / 1000).toFixed(2)} M events/s wall, sustained; ${(events / slowest / 1000).toFixed(2)} M events/s from CPU time with a core per thread (target >= 1M)`);
}

/** The recorder threads' work done in this thread, each half timed in CPU. */
function splitWork(dir: string, batches: EventBatch[], n: number): { deriveMs: number; writeMs: number } {
  const events = batches.reduce((k, b) => k + b.count, 0);
  const again = batches.map((b) => ({ ...b, words: b.words.slice() }));
  const deriver = new Deriver();
  const derived: DerivedChunks[] = [];
  const deriveMs = cpuTime(() => {
    again.forEach((b, i) => {
      deriver.consume(b);
      if (i % 16 === 15) derived.push(deriver.handOver());
    });
  });
  let last!: DerivedChunks;
  const lastMs = cpuTime(() => { last = deriver.handOverLast(); });
  const w = new SessionWriter(join(dir, `split${n}.flt`), scriptedInputs(4), { derive: 'external' });
  const writeMs = cpuTime(() => {
    again.forEach((b, i) => {
      w.append(b);
      if (i % 16 === 15) { w.addDerived(derived[(i - 15) / 16]!); w.commit(); }
    });
    w.finish('idle', events, { last, facts: deriver.facts });
  });
  return { deriveMs: deriveMs + lastMs, writeMs };
}

/** What the app does on opening a file: open it in a worker, then the whole timeline at 1000 pixels. */
async function openAndZoomOut(file: string): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const client = await SessionClient.open(file);
    const info = await client.query('info');
    await client.query('spans', info.tFirst, info.tLast + 1, (info.tLast - info.tFirst) / 1000);
    ms.push(performance.now() - t0);
    await client.close();
  }
  const [reader, openMs] = time(() => SessionReader.open(file));
  const [, queryMs] = time(() => { const info = reader.info(); reader.spans(info.tFirst, info.tLast + 1, (info.tLast - info.tFirst) / 1000); });
  reader.close();
  console.log(`  open and answer the full-zoom timeline: ${percentile(ms, 0.5).toFixed(0)} ms through a session worker (median of 5, worker start included); in this thread ${openMs.toFixed(0)} ms open + ${queryMs.toFixed(0)} ms query`);
  targets.push(`open a session and answer a full-zoom timeline query: ${percentile(ms, 0.5).toFixed(0)} ms wall through a session worker, ${(openMs + queryMs).toFixed(0)} ms wall in the calling thread (open ${openMs.toFixed(0)} ms)`);
}

/**
 * A real run of the guest kernel (syscall-stress three times over: over 1e8 instructions)
 * recorded through the emulator host with the app's default checkpoints, the same run with no
 * observer, then time travel in the recording.
 */
async function guestRecording(dir: string): Promise<void> {
  const id = 'syscall-stress';
  const scenario = SCENARIOS.find((s) => s.id === id)!;
  const build = readGuestBuild();
  const cmdline = 'init=init -- stress stress stress';
  const options = { scenario: id, cpus: scenario.cpus, cmdline, kernel: build.kernel, initrd: build.initrd };
  const budget = 1e9;

  const bare = scenarioRunMachine(options);
  const c0 = process.cpuUsage();
  const [run, bareMs] = time(() => bare.run(budget));
  const bareCpu = process.cpuUsage(c0);
  console.log(`  ${id} x3 (${cmdline}) with no observer: ${run.instructions} instructions, ${(bareMs / 1000).toFixed(1)} s wall, ${(run.instructions / bareMs / 1000).toFixed(1)} MIPS (${run.cause})`);

  const out = join(dir, `${id}.flt`);
  const t0 = performance.now();
  const c1 = process.cpuUsage();
  const result = await record({
    recipe: { ...SCENARIO_MACHINE_RECIPE, options },
    inputs: { ...scriptedInputs(scenario.cpus), scenario: id, config: { ...scriptedInputs(scenario.cpus).config, cmdline }, kernel: build.kernel, initrd: build.initrd, symbols: build.symbols, lines: build.lines, sources: build.sources },
    out, budget,
  }).done;
  const wall = performance.now() - t0;
  const recordCpu = process.cpuUsage(c1);
  const bytes = statSync(out).size;
  console.log(`  recorded to a file: ${result.instructions} instructions, ${result.events} events, ${(result.instructions / result.emulationMs / 1000).toFixed(1)} MIPS in the emulator thread, ${(wall / 1000).toFixed(1)} s wall, ${(bytes / 2 ** 20).toFixed(2)} MiB (${(bytes / result.instructions * 1e6 / 1024).toFixed(0)} KiB per 1M instructions, checkpoints every ${CHECKPOINT_EVERY} ticks included)`);
  const cpuRatio = (recordCpu.user + recordCpu.system) / (bareCpu.user + bareCpu.system);
  console.log(`    recording overhead: ${(wall / bareMs).toFixed(2)}x wall, ${cpuRatio.toFixed(2)}x CPU (all threads) against the run with no observer`);
  targets.push(`recording overhead (recorded to a file / no observer, ${id} x3): ${(wall / bareMs).toFixed(2)}x wall, ${cpuRatio.toFixed(2)}x CPU (target <= 2x)`);

  const reader = SessionReader.open(out);
  const travel = new TimeTravel(reader, () => scenarioRunMachine(options));
  const end = reader.info().tLast;
  await travel.stateAt(Math.floor(end / 2)); // builds the machine once, as the app does on its first seek
  const ms: number[] = [];
  const cpu: number[] = [];
  let x = 99;
  for (let i = 0; i < 40; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const at = Math.floor((x / 2 ** 32) * end);
    const u = process.cpuUsage();
    const t = performance.now();
    await travel.stateAt(at);
    ms.push(performance.now() - t);
    const c = process.cpuUsage(u);
    cpu.push((c.user + c.system) / 1000);
  }
  const checkpoints = reader.checkpoints();
  console.log(`    machine state at a random instant (time travel, ${checkpoints.length} checkpoints, ${checkpoints.filter((c) => c.base === null).length} full): median ${percentile(ms, 0.5).toFixed(0)} ms  p95 ${percentile(ms, 0.95).toFixed(0)} ms wall; median ${percentile(cpu, 0.5).toFixed(0)} ms  p95 ${percentile(cpu, 0.95).toFixed(0)} ms CPU`);
  targets.push(`seek (stateAt) to 40 random instants of a ${(result.instructions / 1e6).toFixed(0)}M-instruction recording: p50 ${percentile(ms, 0.5).toFixed(0)} ms, p95 ${percentile(ms, 0.95).toFixed(0)} ms wall; p50 ${percentile(cpu, 0.5).toFixed(0)} ms, p95 ${percentile(cpu, 0.95).toFixed(0)} ms CPU (target p95 <= 100 ms)`);
  reader.close();
}
