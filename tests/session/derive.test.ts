import { describe, expect, it } from 'vitest';
import { Deriver, TraceType } from '../../main/session/derive.ts';
import { CpuMode, LockState, SPAN_COLUMNS } from '../../main/session/schema.ts';
import { HandStream } from './fixtures/hand_stream.ts';

function derive(stream: HandStream) {
  const d = new Deriver();
  for (const b of stream.done()) d.consume(b);
  const rows = d.finish();
  const spans = (track: number) => {
    const buf = rows.spans.get(track);
    if (!buf) return [];
    const c = buf.filled();
    return Array.from(c[0]!, (t0, i) => ({ t0, t1: c[1]![i]!, state: c[2]![i]!, detail: c[3]![i]! }));
  };
  const f = rows.flows.filled();
  const flows = Array.from(f[0]!, (kind, i) => ({ kind, vector: f[1]![i]!, tFrom: f[4]![i]!, tTo: f[6]![i]! }));
  return { rows, spans, flows, facts: d.facts };
}

describe('derived spans', () => {
  it('follow a CPU from kernel to user, through a syscall, a page fault and back', () => {
    const s = new HandStream().cpuStart(0, 0).sysret(0, 100).syscall(0, 200).sysret(0, 300)
      .exception(0, 400, 14, 3).iret(0, 450, 3).halt(0, 500).wake(0, 600, 0x20).interrupt(0, 600, 0x20, 0).iret(0, 650, 0).powerOff(700);
    const { rows, spans, flows } = derive(s);
    expect(SPAN_COLUMNS.length).toBe(6);
    const mode = rows.tracks.find((t) => t.kind === 'cpu-mode')!.id;
    expect(spans(mode)).toEqual([
      { t0: 0, t1: 100, state: CpuMode.Kernel, detail: 0 },
      { t0: 100, t1: 200, state: CpuMode.User, detail: 0 },
      { t0: 200, t1: 300, state: CpuMode.Kernel, detail: 0 },
      { t0: 300, t1: 400, state: CpuMode.User, detail: 0 },
      { t0: 400, t1: 450, state: CpuMode.Exception, detail: 14 },
      { t0: 450, t1: 500, state: CpuMode.User, detail: 0 },
      { t0: 500, t1: 600, state: CpuMode.Halted, detail: 0 },
      { t0: 600, t1: 650, state: CpuMode.Interrupt, detail: 0x20 },
      { t0: 650, t1: 700, state: CpuMode.Kernel, detail: 0 },
    ]);
    expect(flows).toEqual([
      { kind: 2, vector: 0, tFrom: 200, tTo: 300 },
      { kind: 0, vector: 14, tFrom: 400, tTo: 450 },
      { kind: 1, vector: 0x20, tFrom: 600, tTo: 650 },
    ]);
  });

  it('keep a handler with the task that took it: a thread switched to from a timer interrupt runs in the kernel', () => {
    // Task 1 is preempted in the timer interrupt, task 2 (a new kernel thread) runs; when task 1
    // runs again it returns from its own interrupt. Task 2 sleeps inside a syscall meanwhile, and
    // task 1's return to user mode is not that syscall's return.
    const s = new HandStream().cpuStart(0, 0).sysret(0, 10).interrupt(0, 100, 0x20, 3)
      .trace(0, 150, TraceType.Switch, [1n, 2n, 1n], 'T2', 2).sysret(0, 160).syscall(0, 200)
      .trace(0, 300, TraceType.Switch, [2n, 1n, 0n], 'init', 1).iret(0, 350, 3).syscall(0, 400)
      .trace(0, 450, TraceType.Switch, [1n, 2n, 1n], 'T2', 2).sysret(0, 500).powerOff(600);
    const { rows, spans, flows } = derive(s);
    const mode = rows.tracks.find((t) => t.kind === 'cpu-mode')!.id;
    expect(spans(mode).map((x) => [x.t0, x.t1, x.state])).toEqual([
      [0, 10, CpuMode.Kernel], [10, 100, CpuMode.User], [100, 150, CpuMode.Interrupt], [150, 160, CpuMode.Kernel],
      [160, 200, CpuMode.User], [200, 300, CpuMode.Kernel], [300, 350, CpuMode.Interrupt], [350, 400, CpuMode.User],
      [400, 500, CpuMode.Kernel], [500, 600, CpuMode.User],
    ]);
    expect(flows).toEqual([
      { kind: 1, vector: 0x20, tFrom: 100, tTo: 350 },
      { kind: 2, vector: 0, tFrom: 200, tTo: 500 },
    ]);
  });

  it('keep a syscall with its task when it resumes on another CPU, and draw no flow across CPUs', () => {
    // Task 1 enters a syscall on CPU 0 and sleeps; it resumes on CPU 1 and returns to user mode there.
    const s = new HandStream().cpuStart(0, 0).cpuStart(1, 0).trace(0, 5, TraceType.Switch, [0n, 1n, 0n], 'init', 1)
      .sysret(0, 10).syscall(0, 20).trace(0, 30, TraceType.Switch, [1n, 0n, 0n], 'swapper/0', 0)
      .trace(1, 40, TraceType.Switch, [0n, 1n, 0n], 'init', 1).sysret(1, 50).syscall(1, 60).sysret(1, 70).powerOff(80);
    const { rows, spans, flows } = derive(s);
    const cpu1 = rows.tracks.find((t) => t.kind === 'cpu-mode' && t.cpu === 1)!.id;
    expect(spans(cpu1).map((x) => [x.t0, x.t1, x.state])).toEqual([[0, 50, CpuMode.Kernel], [50, 60, CpuMode.User], [60, 70, CpuMode.Kernel], [70, 80, CpuMode.User]]);
    expect(flows).toEqual([{ kind: 2, vector: 0, tFrom: 60, tTo: 70 }]);
  });

  it('give a task created under a pid used before an empty kernel stack', () => {
    const s = new HandStream().cpuStart(0, 0).trace(0, 10, TraceType.Switch, [0n, 5n, 1n], 'old', 5).interrupt(0, 20, 0x20, 0)
      .trace(0, 30, TraceType.Switch, [5n, 6n, 1n], 'other', 6).trace(0, 40, TraceType.TaskCreate, [5n, 6n, 1n], 'new', 6)
      .trace(0, 50, TraceType.Switch, [6n, 5n, 1n], 'new', 5).powerOff(60);
    const { rows, spans } = derive(s);
    const mode = rows.tracks.find((t) => t.kind === 'cpu-mode')!.id;
    expect(spans(mode).map((x) => [x.t0, x.t1, x.state])).toEqual([[0, 20, CpuMode.Kernel], [20, 30, CpuMode.Interrupt], [30, 60, CpuMode.Kernel]]);
  });

  it('show a fault while delivering a fault as a double fault, linked to the first, until the triple fault', () => {
    const s = new HandStream().cpuStart(0, 0).exception(0, 10, 14, 0, false).exception(0, 20, 8, 0).exception(0, 30, 14, 0).tripleFault(0, 40);
    const { rows, spans, flows, facts } = derive(s);
    const mode = rows.tracks.find((t) => t.kind === 'cpu-mode')!.id;
    expect(spans(mode).map((x) => [x.t0, x.state, x.detail])).toEqual([[0, CpuMode.Kernel, 0], [20, CpuMode.DoubleFault, 8], [30, CpuMode.Exception, 14]]);
    expect(flows).toEqual([{ kind: 3, vector: 8, tFrom: 10, tTo: 20 }, { kind: 3, vector: 14, tFrom: 20, tTo: 30 }]);
    expect(facts.tripleFault).toEqual({ t: 40, cpu: 0, firstVector: 14, secondVector: 8 });
  });

  it('put the task named by each switch on its CPU', () => {
    const s = new HandStream().cpuStart(1, 0).trace(1, 10, TraceType.Switch, [0n, 5n, 0n], 'sh').trace(1, 50, TraceType.Switch, [5n, 6n, 1n], 'kworker').powerOff(90);
    const { rows, spans } = derive(s);
    const threads = rows.tracks.find((t) => t.kind === 'cpu-thread')!.id;
    expect(spans(threads)).toEqual([
      { t0: 0, t1: 10, state: 1, detail: 0 },
      { t0: 10, t1: 50, state: 5, detail: 0 },
      { t0: 50, t1: 90, state: 6, detail: 1 },
    ]);
    expect(rows.tasks.map((t) => [t.pid, t.name, t.kernelThread])).toEqual([[5, 'sh', false], [6, 'kworker', true]]);
  });

  it('show a lock spinning then held, and a lock never released held to the end', () => {
    const A = 0xffffffff80200040n;
    const s = new HandStream().cpuStart(0, 0).cpuStart(1, 0)
      .trace(0, 10, TraceType.LockAcquire, [A, 3n], 'A').trace(0, 11, TraceType.LockAcquired, [A], 'A')
      .trace(1, 20, TraceType.LockAcquire, [A, 3n], 'A').trace(1, 21, TraceType.LockContended, [A, 0n], 'A')
      .trace(0, 40, TraceType.LockRelease, [A], 'A').trace(1, 41, TraceType.LockAcquired, [A], 'A').console(0, 100, 'end\n');
    const { rows, spans } = derive(s);
    const onCpu = (cpu: number) => spans(rows.tracks.find((t) => t.kind === 'lock' && t.cpu === cpu)!.id);
    expect(onCpu(0)).toEqual([{ t0: 11, t1: 40, state: LockState.Held, detail: 0 }]);
    expect(onCpu(1)).toEqual([{ t0: 21, t1: 41, state: LockState.Spinning, detail: 0 }, { t0: 41, t1: 100, state: LockState.Held, detail: 0 }]);
    expect(rows.locks).toEqual([{ addr: -0x7fdfffc0, name: 'A', cls: 3 }]);
  });

  it('coalesce console bytes into lines', () => {
    const s = new HandStream().cpuStart(0, 0).console(0, 1, 'he').console(0, 2, 'llo\n').console(0, 3, 'wor').console(0, 4, 'ld');
    const { rows } = derive(s);
    expect(rows.console.map((l) => [l.t, l.text])).toEqual([[1, 'hello\n'], [3, 'world']]);
  });
});
