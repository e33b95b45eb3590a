// The boot loader (GUEST-INTERFACE.md "Physical memory and the boot loader"): the emulator, not
// firmware, puts the kernel in memory and builds what a loader would hand over in long mode:
//
//   0x1000-0x5fff  boot page tables (PML4 at 0x1000)      0x7000  boot-info block
//   0x6000         boot GDT (null, 0x08 code64, 0x10 data) 0x8000  wakeup mailbox (zeroed)
//   0x9000-0xffff  BSP boot stack (RSP = 0x10000)          >= 0x100000  kernel PT_LOAD segments
//   next 4 KiB boundary after the kernel: the initrd
//
// It writes only these; the machine hands it a zeroed PhysMem (or clears RAM on reset) so that
// a boot is the same on every host. The low megabyte is cleared here all the same.

import { PAGE, type PhysMem } from './phys_mem.ts';
import { ElfError, PT_LOAD, isCanonical, parseElf, signedNumber, type ElfFile, type ElfSegment } from './elf.ts';

export const BOOT_PML4 = 0x1000;
/** PDPT for PML4[0] (identity), PML4[256] (direct map), PML4[511] (kernel window); one shared PD. */
export const BOOT_PDPT_IDENTITY = 0x2000, BOOT_PDPT_DIRECT = 0x3000, BOOT_PDPT_KERNEL = 0x4000, BOOT_PD = 0x5000;
export const BOOT_GDT = 0x6000;
export const BOOT_GDT_LIMIT = 3 * 8 - 1;
export const BOOT_INFO = 0x7000;
export const WAKEUP_MAILBOX = 0x8000;
export const BOOT_STACK_BOTTOM = 0x9000;
export const BOOT_STACK_TOP = 0x10000;
export const KERNEL_MIN_PHYS = 0x100000;

export const DIRECT_MAP_BASE = 0xffff800000000000n;
export const KERNEL_WINDOW_BASE = 0xffffffff80000000n;
/** Each of the three boot mappings covers physical [0, 1 GiB) with 2 MiB pages. */
export const BOOT_MAP_SIZE = 1 << 30;

export const BOOTINFO_MAGIC = 0x544c4146; // "FALT"
export const BOOTINFO_VERSION = 1;
export const BOOTINFO_CMDLINE = 0x100;
export const CMDLINE_MAX = 1023; // bytes, without the NUL
export const TSC_HZ = 1_000_000_000;
export const MAX_CPUS = 8;

// The CPU state at entry (GUEST-INTERFACE.md "CPU 0 at entry"), for the machine to apply.
export const BOOT_CS = 0x08, BOOT_DS = 0x10;
export const BOOT_CR0 = 0x80000001; // PE | PG (WP clear)
export const BOOT_CR4 = 0x20; // PAE
export const BOOT_EFER = 0x500; // LME | LMA
export const BOOT_RFLAGS = 0x2;

/**
 * Boot GDT descriptors (SDM 3.4.5, 5.2.1): 0x08 64-bit code (L=1, D=0, P, DPL 0, execute/read,
 * accessed) and 0x10 data (read/write, accessed, 4 GiB, G). Accessed is preset so loading a
 * selector writes nothing.
 */
export const GDT_CODE64 = 0x00af9b000000ffffn;
export const GDT_DATA = 0x00cf93000000ffffn;

const PTE_P = 1n, PTE_RW = 2n, PTE_PS = 0x80n;

export interface BootOptions {
  /** Number of CPUs (1-8); CPU 0 is the BSP. */
  cpuCount: number;
  initrd?: Uint8Array;
  cmdline?: string;
}

export interface BootResult {
  /** RIP at entry: the ELF entry point as a signed 64-bit number (0xffffffff80100000 -> -2146435072). */
  entry: number;
  entryVirt: bigint;
  initrdPhys: number;
  initrdSize: number;
  kernelPhysEnd: number;
  freePhysStart: number;
  bootInfoPhys: number;
  mailboxPhys: number;
  gdtPhys: number;
  gdtLimit: number;
  pml4Phys: number;
  /** RSP at entry. */
  stackTop: number;
  /** The parsed kernel (segments, sections) for the machine's and UI's use. */
  elf: ElfFile;
}

export class BootError extends Error {
  override name = 'BootError';
}

const hex = (v: bigint | number) => '0x' + v.toString(16);
const alignUp = (n: number) => Math.ceil(n / PAGE) * PAGE;

/**
 * Loads `kernel` (an ELF64 image) and `initrd` into `mem` and builds the boot page tables, GDT,
 * boot info and mailbox. Throws ElfError for a malformed file and BootError for one that does
 * not fit this machine, each with a message that names the problem.
 */
export function loadKernel(mem: PhysMem, kernel: Uint8Array, opts: BootOptions): BootResult {
  const { cpuCount } = opts;
  if (!Number.isInteger(cpuCount) || cpuCount < 1 || cpuCount > MAX_CPUS) {
    throw new BootError(`cpu count ${cpuCount} is outside 1..${MAX_CPUS}`);
  }
  if (mem.size < 2 * KERNEL_MIN_PHYS) throw new BootError(`RAM of ${mem.size} bytes is too small (need at least 2 MiB)`);
  const cmdline = new TextEncoder().encode(opts.cmdline ?? '');
  if (cmdline.length > CMDLINE_MAX) {
    throw new BootError(`command line of ${cmdline.length} bytes is longer than ${CMDLINE_MAX}`);
  }
  if (cmdline.includes(0)) throw new BootError('command line contains a NUL byte');

  const elf = parseElf(kernel);
  const loads = elf.segments.filter((s) => s.type === PT_LOAD && s.memsz > 0);
  if (loads.length === 0) throw new ElfError('no PT_LOAD segment with a non-zero p_memsz: nothing to load');
  checkPlacement(loads, mem.size);
  checkEntry(elf, loads);

  // The low megabyte: clear it, then lay out the loader's structures.
  mem.bytes.fill(0, 0, KERNEL_MIN_PHYS);
  mem.markDirty(0, KERNEL_MIN_PHYS);
  writePageTables(mem);
  mem.write64(BOOT_GDT + 0x08, GDT_CODE64);
  mem.write64(BOOT_GDT + 0x10, GDT_DATA);

  let kernelEnd = 0;
  for (const s of loads) {
    const pa = Number(s.paddr);
    mem.writeBytes(pa, kernel.subarray(s.offset, s.offset + s.filesz));
    mem.bytes.fill(0, pa + s.filesz, pa + s.memsz); // .bss: the part with no file data
    mem.markDirty(pa, s.memsz);
    kernelEnd = Math.max(kernelEnd, pa + s.memsz);
  }
  const kernelPhysEnd = alignUp(kernelEnd);

  const initrd = opts.initrd ?? new Uint8Array(0);
  const initrdPhys = kernelPhysEnd;
  const freePhysStart = alignUp(initrdPhys + initrd.length);
  if (freePhysStart > mem.size) {
    throw new BootError(`kernel and initrd end at ${hex(freePhysStart)}, beyond RAM (${hex(mem.size)})`);
  }
  if (initrd.length > 0) mem.writeBytes(initrdPhys, initrd);

  const b = BOOT_INFO;
  mem.write32(b + 0x00, BOOTINFO_MAGIC);
  mem.write32(b + 0x04, BOOTINFO_VERSION);
  mem.write64(b + 0x08, BigInt(mem.size));
  mem.write32(b + 0x10, cpuCount);
  mem.write32(b + 0x14, 0); // BSP APIC ID
  mem.write64(b + 0x18, BigInt(initrdPhys));
  mem.write64(b + 0x20, BigInt(initrd.length));
  mem.write64(b + 0x28, BigInt(kernelPhysEnd));
  mem.write64(b + 0x30, BigInt(WAKEUP_MAILBOX));
  mem.write64(b + 0x38, BigInt(freePhysStart));
  mem.write64(b + 0x40, BigInt(TSC_HZ));
  mem.write32(b + 0x48, cmdline.length);
  mem.write32(b + 0x4c, 0);
  mem.writeBytes(b + BOOTINFO_CMDLINE, cmdline); // the NUL after it is already there

  return {
    entry: signedNumber(elf.entry), entryVirt: elf.entry, initrdPhys, initrdSize: initrd.length, kernelPhysEnd,
    freePhysStart, bootInfoPhys: BOOT_INFO, mailboxPhys: WAKEUP_MAILBOX, gdtPhys: BOOT_GDT, gdtLimit: BOOT_GDT_LIMIT,
    pml4Phys: BOOT_PML4, stackTop: BOOT_STACK_TOP, elf,
  };
}

/** Every segment inside RAM, above the loader's low megabyte, and apart from every other. */
function checkPlacement(loads: ElfSegment[], memSize: number): void {
  for (const [i, s] of loads.entries()) {
    const what = `PT_LOAD segment ${i} (p_paddr ${hex(s.paddr)}, p_memsz ${hex(s.memsz)})`;
    if (s.paddr < BigInt(KERNEL_MIN_PHYS)) {
      throw new BootError(`${what} is below ${hex(KERNEL_MIN_PHYS)}, where the loader keeps its page tables, GDT, boot info and stack`);
    }
    if (s.paddr + BigInt(s.memsz) > BigInt(memSize)) {
      throw new BootError(`${what} is outside RAM (${hex(memSize)} bytes)`);
    }
    for (const [j, t] of loads.entries()) {
      if (j < i && s.paddr < t.paddr + BigInt(t.memsz) && t.paddr < s.paddr + BigInt(s.memsz)) {
        throw new BootError(`${what} overlaps PT_LOAD segment ${j} (p_paddr ${hex(t.paddr)}, p_memsz ${hex(t.memsz)})`);
      }
    }
  }
}

/** The entry point lies in a loaded segment, and the boot page tables map it onto that segment. */
function checkEntry(elf: ElfFile, loads: ElfSegment[]): void {
  const e = elf.entry;
  const seg = loads.find((s) => e >= s.vaddr && e < s.vaddr + BigInt(s.memsz));
  if (!seg) throw new ElfError(`entry point ${hex(e)} is not inside any PT_LOAD segment`);
  const want = seg.paddr + (e - seg.vaddr);
  const got = bootTranslate(e);
  if (got !== want) {
    throw new BootError(`entry point ${hex(e)} is loaded at physical ${hex(want)}, but the boot page tables map it to ${
      got === null ? 'nothing' : hex(got)}: link the kernel at 0xffffffff80000000 + its physical address`);
  }
}

/** Where the boot page tables send virtual address `va` (unsigned), or null if unmapped. */
export function bootTranslate(va: bigint): bigint | null {
  va = BigInt.asUintN(64, va);
  const size = BigInt(BOOT_MAP_SIZE);
  for (const base of [0n, DIRECT_MAP_BASE, KERNEL_WINDOW_BASE]) {
    if (va >= base && va - base < size) return va - base;
  }
  return null;
}

/** The three 1 GiB mappings, sharing one page directory of 512 2-MiB pages (SDM 4.5, Table 4-17). */
function writePageTables(mem: PhysMem): void {
  for (let i = 0; i < 512; i++) {
    mem.write64(BOOT_PD + 8 * i, (BigInt(i) << 21n) | PTE_PS | PTE_RW | PTE_P);
  }
  const table = PTE_RW | PTE_P;
  mem.write64(BOOT_PDPT_IDENTITY + 0 * 8, BigInt(BOOT_PD) | table);
  mem.write64(BOOT_PDPT_DIRECT + 0 * 8, BigInt(BOOT_PD) | table);
  mem.write64(BOOT_PDPT_KERNEL + 510 * 8, BigInt(BOOT_PD) | table); // 0xffffffff80000000: PDPT index 510
  mem.write64(BOOT_PML4 + 0 * 8, BigInt(BOOT_PDPT_IDENTITY) | table);
  mem.write64(BOOT_PML4 + 256 * 8, BigInt(BOOT_PDPT_DIRECT) | table); // 0xffff800000000000
  mem.write64(BOOT_PML4 + 511 * 8, BigInt(BOOT_PDPT_KERNEL) | table); // 0xffffffff80000000
}

// ---- The wakeup mailbox (GUEST-INTERFACE.md "Starting the other CPUs") ----

export interface WakeupRequest {
  /** RIP: wakeup_vector as a signed 64-bit number (like BootResult.entry). */
  rip: number;
  ripVirt: bigint;
  /** RDI: the argument. */
  rdi: bigint;
  /** RSP: the stack, as a signed 64-bit number. */
  rsp: number;
  rspVirt: bigint;
  /** Whether both addresses are canonical (the numbers are exact only then; else the CPU faults). */
  canonical: boolean;
}

/**
 * A start-up IPI reached CPU `apicId`: if the mailbox holds command 1 for that APIC ID, marks it
 * taken (command = 0) and returns what the CPU starts with; otherwise null (the SIPI is ignored).
 * The caller checks that the CPU is waiting (a SIPI to a running CPU is ignored before this).
 */
export function takeWakeupRequest(mem: PhysMem, apicId: number, mailbox = WAKEUP_MAILBOX): WakeupRequest | null {
  if (mem.read32(mailbox) !== 1 || mem.read32(mailbox + 4) !== apicId) return null;
  const ripVirt = mem.read64(mailbox + 8);
  const rdi = mem.read64(mailbox + 0x10);
  const rspVirt = mem.read64(mailbox + 0x18);
  mem.write32(mailbox, 0);
  return { rip: signedNumber(ripVirt), ripVirt, rdi, rsp: signedNumber(rspVirt), rspVirt,
    canonical: isCanonical(ripVirt) && isCanonical(rspVirt) };
}
