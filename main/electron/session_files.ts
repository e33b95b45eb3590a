// Writing files at paths the user chose (exports): through a temporary file and a rename, so a
// failed write never leaves half a file where a good one was.

import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeFileAtomically(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
