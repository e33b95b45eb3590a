// The host side of the differential tests: builds tests/x86/host_runner.c with gcc into a
// temporary directory and runs batches of cases on the real CPU. Layouts match host_runner.c.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REGION_ADDR = 0x10000000;
export const REGION_SIZE = 0x4000;
export const CODE_ADDR = REGION_ADDR;
export const WIN_ADDR = REGION_ADDR + 0x1000;
export const WIN_SIZE = 1024;

/** One test case: code bytes run from CODE_ADDR with these registers, RFLAGS and window bytes. */
export interface Case {
  code: Uint8Array;
  regs: bigint[];
  rflags: bigint;
  window: Uint8Array;
}

/** What came out: a signal number (0 = ran to the end), the registers, RFLAGS and memory. */
export interface Outcome {
  status: number;
  regs: bigint[];
  rflags: bigint;
  window: Uint8Array;
  outsideHash: bigint;
}

/** Why the host cannot run the differential tests, or undefined when it can. */
export function hostUnavailable(): string | undefined {
  if (process.arch !== 'x64' || process.platform !== 'linux') return `host is ${process.platform}/${process.arch}, not x86-64 Linux`;
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'gcc is not installed';
  }
  return undefined;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Compiles a C file from tests/x86 (or given source path) with gcc; returns the binary path. */
export function buildHostRunner(dir: string): string {
  const out = join(dir, 'host_runner');
  execFileSync('gcc', ['-O1', '-o', out, join(here, 'host_runner.c')], { stdio: 'pipe' });
  return out;
}

export function makeTempDir(): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-x86-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs cases on the host CPU (one process for the whole batch). */
export function runOnHost(runner: string, cases: Case[]): Outcome[] {
  let total = 0;
  for (const c of cases) total += 4 + c.code.length + 136 + WIN_SIZE;
  const input = Buffer.alloc(total);
  let p = 0;
  for (const c of cases) {
    input.writeUInt32LE(c.code.length, p); p += 4;
    input.set(c.code, p); p += c.code.length;
    for (let r = 0; r < 16; r++) { input.writeBigUInt64LE(BigInt.asUintN(64, c.regs[r]!), p); p += 8; }
    input.writeBigUInt64LE(c.rflags, p); p += 8;
    input.set(c.window, p); p += WIN_SIZE;
  }
  const res = spawnSync(runner, [], { input, maxBuffer: 1 << 30 });
  if (res.status !== 0) throw new Error(`host_runner failed (${res.status}): ${res.stderr?.toString()}`);
  const out = res.stdout;
  const per = 4 + 136 + WIN_SIZE + 8;
  if (out.length !== per * cases.length) throw new Error(`host_runner returned ${out.length} bytes for ${cases.length} cases`);
  const outcomes: Outcome[] = [];
  for (let k = 0, q = 0; k < cases.length; k++) {
    const status = out.readUInt32LE(q); q += 4;
    const regs: bigint[] = [];
    for (let r = 0; r < 16; r++) { regs.push(out.readBigUInt64LE(q)); q += 8; }
    const rflags = out.readBigUInt64LE(q); q += 8;
    const window = new Uint8Array(out.subarray(q, q + WIN_SIZE)); q += WIN_SIZE;
    const outsideHash = out.readBigUInt64LE(q); q += 8;
    outcomes.push({ status, regs, rflags, window, outsideHash });
  }
  return outcomes;
}

/** FNV-1a over the data pages outside the window (the same as host_runner.c). */
export function outsideHash(region: Uint8Array): bigint {
  const w0 = WIN_ADDR - REGION_ADDR;
  let clean = true;
  for (let k = 0x1000; k < REGION_SIZE && clean; k++) if ((k < w0 || k >= w0 + WIN_SIZE) && region[k] !== 0) clean = false;
  if (clean && zeroHash !== undefined) return zeroHash;
  const h = fnvOutside(region);
  if (clean) zeroHash = h;
  return h;
}

let zeroHash: bigint | undefined;

function fnvOutside(region: Uint8Array): bigint {
  let h = 1469598103934665603n;
  const w0 = WIN_ADDR - REGION_ADDR;
  for (let k = 0x1000; k < REGION_SIZE; k++) {
    if (k >= w0 && k < w0 + WIN_SIZE) continue;
    h = BigInt.asUintN(64, (h ^ BigInt(region[k]!)) * 1099511627211n);
  }
  return h;
}
