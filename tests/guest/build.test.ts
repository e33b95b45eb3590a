// The committed guest image (emulator/guest/build/) is what users run without
// a compiler; it must be exactly what the sources build.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const guestDir = fileURLToPath(new URL('../../emulator/guest/', import.meta.url));
const committedDir = join(guestDir, 'build');
const builtFiles = ['kernel.elf', 'initrd.img', 'kernel.sym', 'kernel.lines', 'user.sym', 'user.lines', 'sources.json'];

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

const missing = ['gcc', 'ld', 'objdump', 'objcopy', 'nm'].filter((t) => !has(t));
const skipReason = missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : '';

describe.skipIf(missing.length > 0)(`guest build${skipReason}`, () => {
  it('rebuilds the committed kernel, initrd, kernel and user symbol and line tables byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'faultline-guest-'));
    try {
      const run = spawnSync('bash', [join(guestDir, 'build.sh'), out], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      for (const name of builtFiles) {
        const fresh = readFileSync(join(out, name));
        const committed = readFileSync(join(committedDir, name));
        expect(fresh.equals(committed), `${name} differs from the committed build: run npm run guest:build`).toBe(true);
      }
      expect(readdirSync(out).sort()).toEqual([...builtFiles].sort());
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('committed guest image', () => {
  it('is an ELF64 kernel linked at 0xffffffff80100000 and loaded at 0x100000', () => {
    const elf = readFileSync(join(committedDir, 'kernel.elf'));
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(elf[4]).toBe(2); // 64-bit
    expect(elf.readUInt16LE(18)).toBe(62); // x86-64
    expect(elf.readBigUInt64LE(24)).toBe(0xffffffff80100000n); // entry: _start
    const phoff = Number(elf.readBigUInt64LE(32));
    const phnum = elf.readUInt16LE(56);
    const loads = [];
    for (let i = 0; i < phnum; i++) {
      const ph = phoff + i * 56;
      if (elf.readUInt32LE(ph) === 1) loads.push({ vaddr: elf.readBigUInt64LE(ph + 16), paddr: elf.readBigUInt64LE(ph + 24) });
    }
    expect(loads[0]).toEqual({ vaddr: 0xffffffff80100000n, paddr: 0x100000n });
    for (const l of loads) expect(l.vaddr - l.paddr).toBe(0xffffffff80000000n);
  });

  it('has an initrd holding every user program', () => {
    const rd = readFileSync(join(committedDir, 'initrd.img'));
    expect(rd.subarray(0, 8).toString('latin1')).toBe('FLINITRD');
    const count = rd.readUInt32LE(12);
    const names: string[] = [];
    let off = 16;
    for (let i = 0; i < count; i++) {
      names.push(rd.subarray(off, off + 56).toString('utf8').replace(/\0+$/, ''));
      const size = Number(rd.readBigUInt64LE(off + 56));
      expect(rd.subarray(off + 64, off + 68).toString('latin1')).toBe('\x7fELF');
      off += 64 + Math.ceil(size / 8) * 8;
    }
    expect(off).toBe(rd.length);
    const programs = readdirSync(join(guestDir, 'user')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2));
    expect(names).toEqual(programs.sort());
  });

  it('has a symbol table and a line table that name kernel functions and source lines', () => {
    const sym = readFileSync(join(committedDir, 'kernel.sym'), 'utf8').trim().split('\n');
    const names = new Set(sym.map((l) => l.split(' ')[2]));
    for (const fn of ['_start', 'trap', 'syscall', 'acquire', 'panic', 'double_fault', '__stack_chk_fail'])
      expect(names.has(fn), fn).toBe(true);
    const lines = readFileSync(join(committedDir, 'kernel.lines'), 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^ffffffff80100000 kernel\/boot\.S \d+$/);
    expect(lines.some((l) => / kernel\/spinlock\.c \d+$/.test(l))).toBe(true);
  });
});
