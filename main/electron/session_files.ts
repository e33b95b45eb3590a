// Reading and writing session files at paths the user chose (a dialog, the command line, the
// OS). Reads are bounded and only of regular .flt files; writes go through a temporary file and
// a rename so a failed save never leaves half a file where a good one was.

import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { isSessionPath } from './recent_files.ts';

export const MAX_SESSION_BYTES = 256 * 1024 * 1024;

export function readSessionFile(path: string): Uint8Array {
  if (!isSessionPath(path)) throw new Error(`${path} is not a Faultline session file (.flt)`);
  const st = statSync(path);
  if (!st.isFile()) throw new Error(`${path} is not a file`);
  if (st.size > MAX_SESSION_BYTES) throw new Error(`${path} is larger than 256 MiB`);
  return new Uint8Array(readFileSync(path));
}

export function writeFileAtomically(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}
