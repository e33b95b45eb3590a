// Page checksums for finished session files, in the manner of SQLite's cksumvfs: every page keeps
// RESERVED_BYTES unused by SQLite at its end, and when a recording is finished each page gets
// there the CRC-32 of the rest of the page and a seal mark. Opening a sealed file checks every
// page, so a file damaged anywhere (even in bytes SQLite's own checks never look at, like blob
// contents) is rejected, naming the page. A file cut short by a crash was never sealed; its
// reserved bytes are still zero, and it is checked by SQLite's checks and the decoders alone.

import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

export const PAGE_SIZE = 4096;
const RESERVED_BYTES = 8;
const SEAL_MARK = 0x53544c46; // "FLTS"

export class PageSealError extends Error {
  constructor(readonly page: number, message: string) {
    super(message);
  }
}

/**
 * Writes an empty SQLite database (one page: the header and an empty schema table) whose pages
 * reserve RESERVED_BYTES at their end. SQLite keeps the reservation for every page it adds; the
 * header layout is SQLite's file format, section 1.3.
 */
export function writeEmptyDatabase(path: string, applicationId: number, userVersion: number): void {
  const page = Buffer.alloc(PAGE_SIZE);
  page.write('SQLite format 3\0', 0, 'latin1');
  page.writeUInt16BE(PAGE_SIZE, 16);
  page[18] = 1; // legacy journal until the writer switches to WAL
  page[19] = 1;
  page[20] = RESERVED_BYTES;
  page[21] = 64; // max embedded payload fraction, fixed by the format
  page[22] = 32; // min embedded payload fraction
  page[23] = 32; // leaf payload fraction
  page.writeUInt32BE(1, 24); // file change counter
  page.writeUInt32BE(1, 28); // pages in the database
  page.writeUInt32BE(4, 44); // schema format 4
  page.writeUInt32BE(1, 56); // UTF-8
  page.writeUInt32BE(userVersion, 60);
  page.writeUInt32BE(applicationId, 68);
  page.writeUInt32BE(1, 92); // version-valid-for = change counter
  page.writeUInt32BE(3053002, 96);
  // Page 1's b-tree header: an empty table leaf (the schema table), content starting at the usable end.
  page[100] = 0x0d;
  page.writeUInt16BE(PAGE_SIZE - RESERVED_BYTES, 105);
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, page, 0, PAGE_SIZE, 0);
  } finally {
    closeSync(fd);
  }
}

function pageSum(page: Buffer, n: number): number {
  return crc32(page.subarray(0, PAGE_SIZE - RESERVED_BYTES), n);
}

/**
 * Writes every page's checksum and the seal mark; the file must be closed by SQLite first. Page 1
 * goes last: a reader opening the file meanwhile finds it unsealed (SQLite never reads the
 * reserved bytes), never half sealed.
 */
export function sealPages(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const pages = fstatSync(fd).size / PAGE_SIZE;
    const page = Buffer.alloc(PAGE_SIZE);
    for (let n = pages - 1; n >= 0; n--) {
      readSync(fd, page, 0, PAGE_SIZE, n * PAGE_SIZE);
      const tail = Buffer.alloc(RESERVED_BYTES);
      tail.writeUInt32BE(pageSum(page, n), 0);
      tail.writeUInt32BE(SEAL_MARK, 4);
      writeSync(fd, tail, 0, RESERVED_BYTES, n * PAGE_SIZE + PAGE_SIZE - RESERVED_BYTES);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks the page checksums of a sealed file. Returns false for a file that was never sealed
 * (page 1's reserved bytes all zero); throws PageSealError naming the first damaged page.
 */
export function checkPageSeal(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const page = Buffer.alloc(PAGE_SIZE);
    readSync(fd, page, 0, PAGE_SIZE, 0);
    if (page[20] !== RESERVED_BYTES) return false;
    const tail = page.subarray(PAGE_SIZE - RESERVED_BYTES);
    if (tail.every((b) => b === 0)) return false;
    if (size % PAGE_SIZE !== 0) throw new PageSealError(size / PAGE_SIZE, `the file is truncated (${size} bytes is not a whole number of pages)`);
    for (let n = 0; n < size / PAGE_SIZE; n++) {
      if (n > 0) readSync(fd, page, 0, PAGE_SIZE, n * PAGE_SIZE);
      if (page.readUInt32BE(PAGE_SIZE - 4) !== SEAL_MARK || page.readUInt32BE(PAGE_SIZE - RESERVED_BYTES) !== pageSum(page, n)) {
        throw new PageSealError(n + 1, `page ${n + 1} of ${size / PAGE_SIZE} is damaged (its checksum does not match)`);
      }
    }
    return true;
  } finally {
    closeSync(fd);
  }
}
