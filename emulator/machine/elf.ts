// ELF64 reader for the kernel image (System V gABI, "ELF-64 Object File Format" 1.5; the x86-64
// psABI for EM_X86_64). The file is untrusted input: every header, table and segment is bounds-
// checked before it is used, and each failure is an ElfError whose message names the field.
// Off the hot path: 64-bit fields are bigints.

export class ElfError extends Error {
  override name = 'ElfError';
}

export const EM_X86_64 = 62;
export const ET_EXEC = 2;
export const PT_LOAD = 1;
export const SHT_SYMTAB = 2;
export const PF_X = 1, PF_W = 2, PF_R = 4;
const EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64, SYM_SIZE = 24;

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: number;
  align: bigint;
}

export interface ElfSection {
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  /** st_value, unsigned. */
  value: bigint;
  /** st_value as the machine's address numbers: the 64-bit value read as signed (exact for canonical addresses). */
  addr: number;
  size: number;
  /** STT_*: 0 notype, 1 object, 2 func, 3 section, 4 file. */
  type: number;
  /** STB_*: 0 local, 1 global, 2 weak. */
  bind: number;
  shndx: number;
}

export interface ElfFile {
  type: number;
  machine: number;
  entry: bigint;
  segments: ElfSegment[];
  sections: ElfSection[];
}

/** A 64-bit value as a number holding it read as signed: exact for canonical addresses. */
export function signedNumber(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

/** Whether bits 63:47 of a 64-bit address are all equal. */
export function isCanonical(v: bigint): boolean {
  const top = BigInt.asUintN(64, v) >> 47n;
  return top === 0n || top === 0x1ffffn;
}

const hex = (v: bigint | number) => '0x' + v.toString(16);

/** Parses and validates an ELF64 little-endian x86-64 executable. */
export function parseElf(bytes: Uint8Array): ElfFile {
  const len = bytes.length;
  if (len < EHDR_SIZE) throw new ElfError(`file too short for an ELF header (${len} bytes, need ${EHDR_SIZE})`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, len);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('bad magic: not an ELF file (expected 7f 45 4c 46)');
  }
  if (bytes[4] !== 2) throw new ElfError(`EI_CLASS is ${bytes[4]}, not 2 (ELFCLASS64): a 64-bit kernel is required`);
  if (bytes[5] !== 1) throw new ElfError(`EI_DATA is ${bytes[5]}, not 1 (little-endian)`);
  if (bytes[6] !== 1) throw new ElfError(`EI_VERSION is ${bytes[6]}, not 1`);
  const type = v.getUint16(16, true);
  const machine = v.getUint16(18, true);
  if (type !== ET_EXEC) throw new ElfError(`e_type is ${type}, not ET_EXEC (2): link the kernel as a static executable`);
  if (machine !== EM_X86_64) throw new ElfError(`e_machine is ${machine}, not EM_X86_64 (62)`);
  if (v.getUint32(20, true) !== 1) throw new ElfError(`e_version is ${v.getUint32(20, true)}, not 1`);
  const entry = v.getBigUint64(24, true);
  const phoff = v.getBigUint64(32, true);
  const shoff = v.getBigUint64(40, true);
  const ehsize = v.getUint16(52, true);
  const phentsize = v.getUint16(54, true);
  const phnum = v.getUint16(56, true);
  const shentsize = v.getUint16(58, true);
  const shnum = v.getUint16(60, true);
  const shstrndx = v.getUint16(62, true);
  if (ehsize < EHDR_SIZE) throw new ElfError(`e_ehsize is ${ehsize}, less than ${EHDR_SIZE}`);
  if (!isCanonical(entry)) throw new ElfError(`entry point ${hex(entry)} is not a canonical address`);

  const within = (off: bigint, size: bigint, what: string): number => {
    if (off + size > BigInt(len)) {
      throw new ElfError(`${what} at offset ${hex(off)}, ${size} bytes, runs past the end of the file (${len} bytes): truncated?`);
    }
    return Number(off);
  };

  if (phnum === 0) throw new ElfError('no program headers: nothing to load');
  if (phnum === 0xffff) throw new ElfError('extended program header numbering (PN_XNUM) is not supported');
  if (phentsize !== PHDR_SIZE) throw new ElfError(`e_phentsize is ${phentsize}, not ${PHDR_SIZE}`);
  const ph = within(phoff, BigInt(phnum * PHDR_SIZE), 'program header table');

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = ph + i * PHDR_SIZE;
    const seg = {
      type: v.getUint32(o, true),
      flags: v.getUint32(o + 4, true),
      offset64: v.getBigUint64(o + 8, true),
      vaddr: v.getBigUint64(o + 16, true),
      paddr: v.getBigUint64(o + 24, true),
      filesz64: v.getBigUint64(o + 32, true),
      memsz64: v.getBigUint64(o + 40, true),
      align: v.getBigUint64(o + 48, true),
    };
    const what = `program header ${i}`;
    if (seg.type === PT_LOAD) {
      if (seg.filesz64 > seg.memsz64) {
        throw new ElfError(`${what}: p_filesz ${hex(seg.filesz64)} is larger than p_memsz ${hex(seg.memsz64)}`);
      }
      if (seg.memsz64 > 0xffffffffn) throw new ElfError(`${what}: p_memsz ${hex(seg.memsz64)} is absurdly large`);
      if (seg.align > 1n && (seg.align & (seg.align - 1n)) !== 0n) {
        throw new ElfError(`${what}: p_align ${hex(seg.align)} is not a power of two`);
      }
      if (seg.vaddr + seg.memsz64 > 1n << 64n) throw new ElfError(`${what}: virtual range wraps around`);
      within(seg.offset64, seg.filesz64, `${what}'s file data`);
    }
    segments.push({ type: seg.type, flags: seg.flags, offset: Number(seg.offset64 & 0xffffffffffffn),
      vaddr: seg.vaddr, paddr: seg.paddr, filesz: Number(seg.filesz64 & 0xffffffffn),
      memsz: Number(seg.memsz64 & 0xffffffffn), align: seg.align });
  }

  const sections: ElfSection[] = [];
  if (shnum > 0 && shoff !== 0n) {
    if (shentsize !== SHDR_SIZE) throw new ElfError(`e_shentsize is ${shentsize}, not ${SHDR_SIZE}`);
    const sh = within(shoff, BigInt(shnum * SHDR_SIZE), 'section header table');
    const raw: (ElfSection & { nameOff: number })[] = [];
    for (let i = 0; i < shnum; i++) {
      const o = sh + i * SHDR_SIZE;
      const stype = v.getUint32(o + 4, true);
      const offset = v.getBigUint64(o + 24, true);
      const size = v.getBigUint64(o + 32, true);
      // SHT_NOBITS (8) occupies no file space; SHT_NULL (0) neither.
      if (stype !== 8 && stype !== 0) within(offset, size, `section ${i}`);
      raw.push({ name: '', nameOff: v.getUint32(o, true), type: stype, flags: v.getBigUint64(o + 8, true),
        addr: v.getBigUint64(o + 16, true), offset: Number(offset & 0xffffffffffffn),
        size: Number(size & 0xffffffffffffn), link: v.getUint32(o + 40, true),
        entsize: Number(v.getBigUint64(o + 56, true) & 0xffffffffn) });
    }
    if (shstrndx !== 0 && shstrndx < shnum) {
      const strtab = raw[shstrndx]!;
      for (const s of raw) s.name = cString(bytes, strtab.offset, strtab.size, s.nameOff);
    } else if (shstrndx !== 0) {
      throw new ElfError(`e_shstrndx ${shstrndx} is not below e_shnum ${shnum}`);
    }
    for (const { nameOff: _n, ...s } of raw) sections.push(s);
  }
  return { type, machine, entry, segments, sections };
}

/** A NUL-terminated string at `off` within a string table [start, start + size). */
function cString(bytes: Uint8Array, start: number, size: number, off: number): string {
  if (off >= size) throw new ElfError(`string offset ${off} is outside its string table (${size} bytes)`);
  let end = start + off;
  const limit = start + size;
  while (end < limit && bytes[end] !== 0) end++;
  return new TextDecoder('utf-8').decode(bytes.subarray(start + off, end));
}

/** The symbols of .symtab (empty if the file has none, e.g. when stripped). */
export function readSymbols(bytes: Uint8Array, elf: ElfFile = parseElf(bytes)): ElfSymbol[] {
  const symtab = elf.sections.find((s) => s.type === SHT_SYMTAB);
  if (!symtab) return [];
  if (symtab.entsize !== SYM_SIZE) throw new ElfError(`.symtab sh_entsize is ${symtab.entsize}, not ${SYM_SIZE}`);
  const strtab = elf.sections[symtab.link];
  if (!strtab || strtab.type !== 3) throw new ElfError(`.symtab sh_link ${symtab.link} is not a string table`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: ElfSymbol[] = [];
  for (let o = symtab.offset; o + SYM_SIZE <= symtab.offset + symtab.size; o += SYM_SIZE) {
    const nameOff = v.getUint32(o, true);
    if (nameOff === 0) continue;
    const info = v.getUint8(o + 4);
    const value = v.getBigUint64(o + 8, true);
    out.push({ name: cString(bytes, strtab.offset, strtab.size, nameOff), value, addr: signedNumber(value),
      size: Number(v.getBigUint64(o + 16, true) & 0xffffffffn), type: info & 0xf, bind: info >> 4,
      shndx: v.getUint16(o + 6, true) });
  }
  return out;
}

/**
 * Name and address lookup over a symbol table: `lookup('kmain')`, and `symbolize(rip)` for
 * "function+offset" in oops reports and the UI. Only functions and objects (and untyped labels)
 * with a section are considered for addresses.
 */
export class SymbolTable {
  private readonly byName = new Map<string, ElfSymbol>();
  /** Address-sorted symbols usable for symbolizing. */
  private readonly sorted: ElfSymbol[];

  constructor(readonly symbols: readonly ElfSymbol[]) {
    for (const s of symbols) {
      const prev = this.byName.get(s.name);
      if (!prev || (prev.bind === 0 && s.bind !== 0)) this.byName.set(s.name, s); // prefer global
    }
    this.sorted = symbols
      .filter((s) => s.type <= 2 && s.shndx !== 0 && s.shndx < 0xff00)
      .slice()
      // At one address, labels (size 0) first and the largest sized symbol last: the binary
      // search lands on the sized symbol, e.g. _start rather than the _text label beside it.
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.size - b.size));
  }

  static fromElf(bytes: Uint8Array): SymbolTable {
    return new SymbolTable(readSymbols(bytes));
  }

  lookup(name: string): ElfSymbol | undefined {
    return this.byName.get(name);
  }

  /** The symbol containing `addr` (a bigint, or a signed address number) and the offset into it. */
  symbolize(addr: bigint | number): { symbol: ElfSymbol; offset: number } | undefined {
    const a = typeof addr === 'bigint' ? BigInt.asUintN(64, addr) : BigInt.asUintN(64, BigInt(addr));
    let lo = 0, hi = this.sorted.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.value <= a) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    // The nearest sized symbol that covers addr (a few back, past labels inside it), else the
    // nearest label (assembly without .size) if addr is in its page.
    for (let i = best; i >= 0 && i > best - 16; i--) {
      const s = this.sorted[i]!;
      if (s.size > 0 && a - s.value < BigInt(s.size)) return { symbol: s, offset: Number(a - s.value) };
    }
    const s = this.sorted[best]!;
    return s.size === 0 && a - s.value < 4096n ? { symbol: s, offset: Number(a - s.value) } : undefined;
  }

  /** "name+0x1c" or undefined. */
  format(addr: bigint | number): string | undefined {
    const r = this.symbolize(addr);
    return r ? (r.offset ? `${r.symbol.name}+0x${r.offset.toString(16)}` : r.symbol.name) : undefined;
  }
}
