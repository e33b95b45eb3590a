// Kernel pieces that need no hardware (lockdep's graph, access_ok, the page
// allocator, the formatter), compiled with gcc for the host and run here.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const guest = fileURLToPath(new URL('../../emulator/guest/', import.meta.url));
const host = fileURLToPath(new URL('./host/', import.meta.url));
const hasGcc = spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;

// Kernel sources are built as for the kernel, minus what only works in it
// (-mcmodel=kernel, the global stack guard); the harness links the host libc.
const kernelFlags = ['-std=gnu11', '-O2', '-ffreestanding', '-nostdinc', '-fno-pie', '-no-pie',
  '-fno-tree-loop-distribute-patterns', '-Wall', '-Wextra', '-Werror', '-Wno-builtin-declaration-mismatch',
  `-I${guest}include`, `-I${guest}common`, `-I${guest}kernel`];

function buildAndRun(name: string, sources: string[]): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-host-'));
  try {
    const exe = join(dir, name);
    const cc = spawnSync('gcc', [...kernelFlags, '-o', exe, ...sources], { encoding: 'utf8' });
    if (cc.status !== 0) return { status: cc.status, output: cc.stderr };
    const run = spawnSync(exe, [], { encoding: 'utf8' });
    return { status: run.status, output: run.stdout + run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const common = [`${guest}common/string.c`, `${guest}common/format.c`, `${host}stubs.c`];

describe.skipIf(!hasGcc)(`kernel units on the host${hasGcc ? '' : ' (skipped: gcc not installed)'}`, () => {
  it('lockdep: classes by name, shortest dependency path, cycle detection', () => {
    const r = buildAndRun('lockdep', [`${host}lockdep_test.c`, `${guest}kernel/lockdep.c`, ...common]);
    expect(r.output).toContain('lockdep: ok');
    expect(r.status).toBe(0);
  });

  it('access_ok: ranges below USER_TOP only, no wrap-around', () => {
    const r = buildAndRun('access_ok', [`${host}access_ok_test.c`]);
    expect(r.output).toContain('access_ok: ok');
    expect(r.status).toBe(0);
  });

  it('vsnprintf: the conversions kprintf and printf use, truncation', () => {
    const r = buildAndRun('format', [`${host}format_test.c`, `${guest}common/format.c`, `${guest}common/string.c`]);
    expect(r.output).toContain('format: ok');
    expect(r.status).toBe(0);
  });

  it('kalloc: every page once, aligned, zeroed on request, exhausted cleanly', () => {
    const r = buildAndRun('kalloc', [`${host}kalloc_test.c`, `${guest}kernel/kalloc.c`, ...common]);
    expect(r.output).toContain('kalloc: ok');
    expect(r.status).toBe(0);
  });
});
