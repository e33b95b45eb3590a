import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhysMem } from '../../../emulator/machine/phys_mem.ts';
import { ElfError, PT_LOAD, SymbolTable, parseElf, readSymbols, type ElfSymbol } from '../../../emulator/machine/elf.ts';
import {
  BOOTINFO_MAGIC, BOOT_GDT, BOOT_INFO, BootError, GDT_CODE64, GDT_DATA, WAKEUP_MAILBOX, bootTranslate, loadKernel,
  takeWakeupRequest,
} from '../../../emulator/machine/boot_loader.ts';

// A tiny freestanding kernel, linked like the real one: virtual 0xffffffff80100000, physical
// 0x100000, with text, read-only data, initialised data and a bss larger than a page.
const KERNEL_C = `
const char greeting[] = "hello from faultline";
long counter = 0x1122334455667788;
char scratch[3 * 4096 + 100];
__attribute__((section(".text.boot"))) void _start(void) {
  scratch[0] = greeting[0];
  counter++;
  for (;;) __asm__ volatile("hlt");
}
int helper(int x) { return x * 3 + (int)counter; }
`;
const KERNEL_LD = `
OUTPUT_FORMAT("elf64-x86-64")
ENTRY(_start)
KERNEL_BASE = 0xffffffff80000000;
PHDRS { text PT_LOAD FLAGS(5); rodata PT_LOAD FLAGS(4); data PT_LOAD FLAGS(6); }
SECTIONS {
  . = KERNEL_BASE + 0x100000;
  .text : AT(ADDR(.text) - KERNEL_BASE) { *(.text.boot) *(.text .text.*) } :text
  . = ALIGN(4096);
  .rodata : AT(ADDR(.rodata) - KERNEL_BASE) { *(.rodata .rodata.*) } :rodata
  . = ALIGN(4096);
  .data : AT(ADDR(.data) - KERNEL_BASE) { *(.data .data.*) } :data
  .bss : AT(ADDR(.bss) - KERNEL_BASE) { *(.bss .bss.*) *(COMMON) } :data
  /DISCARD/ : { *(.note*) *(.comment) *(.eh_frame*) }
}
`;

function haveToolchain(): boolean {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    execFileSync('ld', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let kernel: Uint8Array;
const MEM = 64 << 20;

beforeAll(() => {
  if (!haveToolchain()) throw new Error('these tests build a kernel with gcc and ld: install them');
  const dir = mkdtempSync(join(tmpdir(), 'faultline-elf-'));
  try {
    writeFileSync(join(dir, 'k.c'), KERNEL_C);
    writeFileSync(join(dir, 'k.ld'), KERNEL_LD);
    execFileSync('gcc', ['-c', '-O2', '-ffreestanding', '-fno-pic', '-fno-stack-protector', '-mcmodel=kernel',
      '-mno-red-zone', '-fno-asynchronous-unwind-tables', '-o', join(dir, 'k.o'), join(dir, 'k.c')]);
    execFileSync('ld', ['-nostdlib', '-static', '-z', 'max-page-size=0x1000', '--build-id=none', '-T', join(dir, 'k.ld'),
      '-o', join(dir, 'k.elf'), join(dir, 'k.o')]);
    kernel = new Uint8Array(readFileSync(join(dir, 'k.elf')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The kernel image with some bytes patched. */
function patched(edit: (v: DataView, phoff: number) => void): Uint8Array {
  const copy = kernel.slice();
  const v = new DataView(copy.buffer);
  edit(v, Number(v.getBigUint64(32, true)));
  return copy;
}

/** Walks 4-level page tables by hand (SDM 4.5): physical address, or null if not present. */
function walk(mem: PhysMem, cr3: number, va: bigint): { pa: bigint; pageSize: number; flags: bigint[] } | null {
  let table = BigInt(cr3) & ~0xfffn;
  const flags: bigint[] = [];
  for (const [level, shift] of [[4, 39n], [3, 30n], [2, 21n], [1, 12n]] as const) {
    const index = (va >> shift) & 511n;
    const e = mem.read64(Number(table + index * 8n));
    if ((e & 1n) === 0n) return null;
    flags.push(e & 0xfffn);
    const addr = e & 0x000ffffffffff000n;
    if (level === 2 && e & 0x80n) return { pa: (addr & ~0x1fffffn) | (va & 0x1fffffn), pageSize: 2 << 20, flags };
    if (level === 1) return { pa: addr | (va & 0xfffn), pageSize: 4096, flags };
    table = addr;
  }
  return null;
}

describe('ELF64 reader', () => {
  it('reads the header and PT_LOAD segments of a real gcc/ld kernel', () => {
    const elf = parseElf(kernel);
    expect(elf.machine).toBe(62);
    expect(elf.entry).toBe(0xffffffff80100000n);
    const loads = elf.segments.filter((s) => s.type === PT_LOAD);
    expect(loads.length).toBe(3);
    expect(loads[0]).toMatchObject({ vaddr: 0xffffffff80100000n, paddr: 0x100000n, flags: 5 });
    const data = loads[2]!;
    expect(data.memsz).toBeGreaterThan(data.filesz); // bss
    expect(elf.sections.map((s) => s.name)).toEqual(expect.arrayContaining(['.text', '.rodata', '.data', '.bss', '.symtab']));
  });

  it('reads .symtab and symbolizes addresses', () => {
    const syms = new SymbolTable(readSymbols(kernel));
    const start = syms.lookup('_start')!;
    expect(start.value).toBe(0xffffffff80100000n);
    expect(start.addr).toBe(-2146435072);
    expect(start.type).toBe(2);
    expect(start.size).toBeGreaterThan(0);
    const helper = syms.lookup('helper')!;
    expect(syms.format(helper.value + 3n)).toBe('helper+0x3');
    expect(syms.format(helper.addr)).toBe('helper');
    expect(syms.lookup('greeting')!.size).toBe(21);
    expect(syms.lookup('scratch')!.size).toBe(3 * 4096 + 100);
    expect(syms.symbolize(0x1234n)).toBeUndefined();
  });

  it('rejects truncated files, bad magic, other classes and machines with clear errors', () => {
    expect(() => parseElf(kernel.subarray(0, 40))).toThrow(/too short for an ELF header/);
    expect(() => parseElf(kernel.subarray(0, 100))).toThrow(/program header table .* runs past the end of the file/);
    const elf = parseElf(kernel);
    const last = elf.segments.filter((s) => s.type === PT_LOAD && s.filesz > 0).at(-1)!;
    expect(() => parseElf(kernel.subarray(0, last.offset + last.filesz - 1))).toThrow(/file data .* truncated/);
    expect(() => parseElf(patched((v) => v.setUint8(1, 0x46)))).toThrow(/bad magic/);
    expect(() => parseElf(patched((v) => v.setUint8(4, 1)))).toThrow(/ELFCLASS64/);
    expect(() => parseElf(patched((v) => v.setUint8(5, 2)))).toThrow(/little-endian/);
    expect(() => parseElf(patched((v) => v.setUint16(18, 3, true)))).toThrow(/EM_X86_64/);
    expect(() => parseElf(patched((v) => v.setUint16(16, 3, true)))).toThrow(/ET_EXEC/);
    expect(() => parseElf(patched((v) => v.setUint16(54, 32, true)))).toThrow(/e_phentsize/);
    expect(() => parseElf(patched((v) => v.setBigUint64(24, 0x0000800000000000n, true)))).toThrow(/canonical/);
    expect(() => parseElf(patched((v, ph) => v.setBigUint64(ph + 32, 0x100000000n, true)))).toThrow(/p_filesz .* larger than p_memsz/);
    expect(() => parseElf(patched((v, ph) => v.setBigUint64(ph + 48, 0x3000n, true)))).toThrow(/power of two/);
    expect(() => parseElf(patched((v) => v.setBigUint64(40, 0xffffffffn, true)))).toThrow(/section header table/);
    expect(() => parseElf(new Uint8Array(64))).toThrow(ElfError);
  });
});

describe('boot loader', () => {
  function boot(opts: Partial<Parameters<typeof loadKernel>[2]> = {}, image = kernel, size = MEM) {
    const mem = new PhysMem(size);
    mem.bytes.fill(0xaa); // whatever was there: bss and the loader's areas must be cleared
    const r = loadKernel(mem, image, { cpuCount: 4, ...opts });
    return { mem, r };
  }

  it('loads the segments at p_paddr, zeroes the bss and returns the entry as a signed number', () => {
    const { mem, r } = boot();
    expect(r.entry).toBe(-2146435072);
    expect(r.entryVirt).toBe(0xffffffff80100000n);
    const elf = parseElf(kernel);
    for (const s of elf.segments.filter((x) => x.type === PT_LOAD)) {
      const pa = Number(s.paddr);
      expect(mem.bytes.subarray(pa, pa + s.filesz)).toEqual(kernel.subarray(s.offset, s.offset + s.filesz));
      expect(mem.bytes.subarray(pa + s.filesz, pa + s.memsz).every((b) => b === 0)).toBe(true);
    }
    const syms = new SymbolTable(readSymbols(kernel));
    const phys = (name: string) => Number(bootTranslate(syms.lookup(name)!.value)!);
    expect(new TextDecoder().decode(mem.bytes.subarray(phys('greeting'), phys('greeting') + 20))).toBe('hello from faultline');
    expect(mem.read64(phys('counter'))).toBe(0x1122334455667788n);
    expect(mem.read8(phys('scratch') + 3 * 4096 + 99)).toBe(0);
    const end = Math.max(...elf.segments.filter((x) => x.type === PT_LOAD).map((x) => Number(x.paddr) + x.memsz));
    expect(r.kernelPhysEnd).toBe(Math.ceil(end / 4096) * 4096);
    expect(r).toMatchObject({ bootInfoPhys: 0x7000, gdtPhys: 0x6000, gdtLimit: 23, pml4Phys: 0x1000, stackTop: 0x10000,
      mailboxPhys: 0x8000 });
    // The loader's low area is cleared: stack, mailbox.
    expect(mem.bytes.subarray(0x8000, 0x10000).every((b) => b === 0)).toBe(true);
  });

  it('places the initrd at the next 4 KiB boundary and fills every boot-info field', () => {
    const initrd = new Uint8Array(10_000).map((_, i) => i & 0xff);
    const { mem, r } = boot({ initrd, cmdline: 'init=/bin/sh quiet', cpuCount: 3 });
    expect(r.initrdPhys).toBe(r.kernelPhysEnd);
    expect(r.initrdPhys % 4096).toBe(0);
    expect(r.initrdSize).toBe(10_000);
    expect(mem.bytes.subarray(r.initrdPhys, r.initrdPhys + 10_000)).toEqual(initrd);
    expect(r.freePhysStart).toBe(r.initrdPhys + 12288);
    const b = BOOT_INFO;
    expect(mem.read32(b)).toBe(BOOTINFO_MAGIC);
    expect(new TextDecoder().decode(mem.bytes.subarray(b, b + 4))).toBe('FALT');
    expect(mem.read32(b + 4)).toBe(1);
    expect(mem.read64(b + 0x08)).toBe(BigInt(MEM));
    expect(mem.read32(b + 0x10)).toBe(3);
    expect(mem.read32(b + 0x14)).toBe(0);
    expect(mem.read64(b + 0x18)).toBe(BigInt(r.initrdPhys));
    expect(mem.read64(b + 0x20)).toBe(10_000n);
    expect(mem.read64(b + 0x28)).toBe(BigInt(r.kernelPhysEnd));
    expect(mem.read64(b + 0x30)).toBe(0x8000n);
    expect(mem.read64(b + 0x38)).toBe(BigInt(r.freePhysStart));
    expect(mem.read64(b + 0x40)).toBe(1_000_000_000n);
    expect(mem.read32(b + 0x48)).toBe(18);
    expect(mem.read32(b + 0x4c)).toBe(0);
    expect(new TextDecoder().decode(mem.bytes.subarray(b + 0x100, b + 0x100 + 18))).toBe('init=/bin/sh quiet');
    expect(mem.read8(b + 0x100 + 18)).toBe(0);
  });

  it('writes the boot GDT: null, 64-bit kernel code at 0x08, data at 0x10', () => {
    const { mem } = boot();
    expect(mem.read64(BOOT_GDT)).toBe(0n);
    const code = mem.read64(BOOT_GDT + 8);
    expect(code).toBe(GDT_CODE64);
    expect((code >> 53n) & 1n).toBe(1n); // L
    expect((code >> 54n) & 1n).toBe(0n); // D must be 0 with L
    expect((code >> 47n) & 1n).toBe(1n); // P
    expect((code >> 45n) & 3n).toBe(0n); // DPL 0
    expect((code >> 43n) & 1n).toBe(1n); // code
    expect(mem.read64(BOOT_GDT + 16)).toBe(GDT_DATA);
    expect((GDT_DATA >> 43n) & 1n).toBe(0n); // data
    expect((GDT_DATA >> 41n) & 1n).toBe(1n); // writable
  });

  it('builds page tables mapping [0, 1 GiB) at identity, the direct map and the kernel window', () => {
    const { mem, r } = boot();
    const cases: [bigint, bigint][] = [
      [0x0n, 0x0n],
      [0x7000n, 0x7000n],
      [0x3fffffffn, 0x3fffffffn],
      [0xffff800000000000n, 0n],
      [0xffff800000123456n, 0x123456n],
      [0xffff80003fffffffn, 0x3fffffffn],
      [0xffffffff80100000n, 0x100000n],
      [0xffffffff80234567n, 0x234567n],
      [0xffffffffbfffffffn, 0x3fffffffn],
    ];
    for (const [va, pa] of cases) {
      const t = walk(mem, r.pml4Phys, va);
      expect(t, `va ${va.toString(16)}`).not.toBeNull();
      expect(t!.pa, `va ${va.toString(16)}`).toBe(pa);
      expect(t!.pageSize).toBe(2 << 20);
      // P and RW at every level, supervisor (U/S clear), no NX.
      for (const f of t!.flags) expect(f & 7n).toBe(3n);
      expect(bootTranslate(va)).toBe(pa);
    }
    for (const va of [0x40000000n, 0x00007fffffffffffn, 0xffff800040000000n, 0xffffffff7fffffffn, 0xffffffffc0000000n]) {
      expect(walk(mem, r.pml4Phys, va), `va ${va.toString(16)}`).toBeNull();
      expect(bootTranslate(va)).toBeNull();
    }
    // The entry point translates to where its segment was loaded.
    const entry = walk(mem, r.pml4Phys, BigInt.asUintN(64, BigInt(r.entry)))!;
    expect(mem.bytes.subarray(Number(entry.pa), Number(entry.pa) + 16)).toEqual(kernel.subarray(
      parseElf(kernel).segments[0]!.offset, parseElf(kernel).segments[0]!.offset + 16));
  });

  it('rejects segments outside RAM, in the low megabyte, overlapping, and entries outside them', () => {
    expect(() => boot({}, kernel, 1 << 20)).toThrow(/too small/);
    // p_paddr of the first segment moved beyond 64 MiB.
    expect(() => boot({}, patched((v, ph) => v.setBigUint64(ph + 24, 0x4000000n, true)))).toThrow(/outside RAM/);
    expect(() => boot({}, patched((v, ph) => v.setBigUint64(ph + 24, 0x80000n, true)))).toThrow(/below 0x100000/);
    // Second segment moved onto the first.
    expect(() => boot({}, patched((v, ph) => v.setBigUint64(ph + 56 + 24, 0x100000n, true)))).toThrow(/overlaps PT_LOAD segment 0/);
    expect(() => boot({}, patched((v) => v.setBigUint64(24, 0xffffffff90000000n, true)))).toThrow(/not inside any PT_LOAD/);
    // The first segment loaded at 2 MiB instead of 1 MiB: the kernel window would run the wrong bytes.
    expect(() => boot({}, patched((v, ph) => v.setBigUint64(ph + 24, 0x3000000n, true)))).toThrow(/boot page tables map it to 0x100000/);
    expect(() => boot({ cpuCount: 9 })).toThrow(/cpu count/);
    expect(() => boot({ cmdline: 'x'.repeat(1024) })).toThrow(/command line/);
    expect(() => boot({ initrd: new Uint8Array(64 << 20) })).toThrow(/beyond RAM/);
  });

  it('hands a waiting CPU its start state from the mailbox and marks the request taken', () => {
    const { mem } = boot();
    expect(takeWakeupRequest(mem, 1)).toBeNull(); // zeroed mailbox
    mem.write32(WAKEUP_MAILBOX + 4, 2);
    mem.write64(WAKEUP_MAILBOX + 8, 0xffffffff80100040n);
    mem.write64(WAKEUP_MAILBOX + 0x10, 0xffff800000200000n);
    mem.write64(WAKEUP_MAILBOX + 0x18, 0xffffc90000008000n);
    mem.write32(WAKEUP_MAILBOX, 1);
    expect(takeWakeupRequest(mem, 1)).toBeNull(); // another CPU's request
    expect(mem.read32(WAKEUP_MAILBOX)).toBe(1);
    const w = takeWakeupRequest(mem, 2)!;
    expect(w).toMatchObject({ rip: -2146435072 + 0x40, rdi: 0xffff800000200000n, rspVirt: 0xffffc90000008000n, canonical: true });
    expect(w.rsp).toBe(Number(BigInt.asIntN(64, 0xffffc90000008000n)));
    expect(mem.read32(WAKEUP_MAILBOX)).toBe(0);
    expect(takeWakeupRequest(mem, 2)).toBeNull();
  });
});

describe('untrusted images', () => {
  it('answers thousands of corrupted kernels with ElfError or BootError, never another exception', () => {
    let seed = 12345;
    const rand = (n: number) => { // mulberry32: deterministic, good low bits
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const mem = new PhysMem(4 << 20);
    const phoff = Number(new DataView(kernel.buffer).getBigUint64(32, true));
    const shoff = Number(new DataView(kernel.buffer).getBigUint64(40, true));
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const img = kernel.slice();
      for (let k = 1 + rand(4); k > 0; k--) {
        // Corrupt the headers most of the time (where the checks are), anywhere sometimes.
        const region = rand(4);
        const at = region === 0 ? rand(64) : region === 1 ? phoff + rand(3 * 56) : region === 2 ? shoff + rand(img.length - shoff) : rand(img.length);
        img[at] = rand(4) === 0 ? 0xff : rand(256);
      }
      const cut = rand(10) === 0 ? rand(img.length) : img.length;
      try {
        loadKernel(mem, img.subarray(0, cut), { cpuCount: 1 });
        accepted++;
        readSymbols(img.subarray(0, cut));
      } catch (e) {
        if (!(e instanceof ElfError) && !(e instanceof BootError)) throw e;
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('symbol table', () => {
  const sym = (name: string, value: bigint, size: number, type = 2): ElfSymbol =>
    ({ name, value, addr: Number(BigInt.asIntN(64, value)), size, type, bind: 1, shndx: 1 });

  it('prefers a sized function over a label at the same address, and labels only nearby', () => {
    const t = new SymbolTable([
      sym('_text', 0xffffffff80100000n, 0, 0), sym('_start', 0xffffffff80100000n, 0x20),
      sym('kmain', 0xffffffff80100020n, 0x100), sym('_etext', 0xffffffff80109000n, 0, 0),
    ]);
    expect(t.format(0xffffffff80100000n)).toBe('_start');
    expect(t.format(-2146435072 + 0x24)).toBe('kmain+0x4');
    expect(t.format(0xffffffff80100200n)).toBeUndefined(); // past kmain, before _etext
    expect(t.format(0xffffffff80109010n)).toBe('_etext+0x10');
    expect(t.format(0xffffffff8010b000n)).toBeUndefined();
    expect(t.lookup('kmain')!.size).toBe(0x100);
  });
});

const GUEST = new URL('../../../emulator/guest/build/', import.meta.url);
describe.skipIf(!existsSync(new URL('kernel.elf', GUEST)))('the guest kernel, when built', () => {
  it('loads with its initrd and symbolizes its entry point', () => {
    const image = new Uint8Array(readFileSync(new URL('kernel.elf', GUEST)));
    const initrdUrl = new URL('initrd.img', GUEST);
    const initrd = existsSync(initrdUrl) ? new Uint8Array(readFileSync(initrdUrl)) : undefined;
    const mem = new PhysMem(MEM);
    const r = loadKernel(mem, image, { cpuCount: 4, initrd, cmdline: '' });
    expect(r.entry).toBe(-2146435072);
    expect(r.freePhysStart).toBeGreaterThanOrEqual(r.kernelPhysEnd);
    expect(SymbolTable.fromElf(image).format(r.entryVirt)).toBe('_start');
  });
});

