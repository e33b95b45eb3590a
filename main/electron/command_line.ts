// Session files handed to the app on its command line: `faultline run.flt`, a double click in a
// file manager (Windows and Linux pass the path as an argument), or a second start of the app
// forwarding its arguments to the first. macOS delivers files through app 'open-file' instead.

import { isAbsolute, resolve } from 'node:path';
import { isSessionPath } from './recent_files.ts';

/** The .flt paths among `args` (the program and Chromium switches excluded), made absolute. */
export function sessionFilesIn(args: readonly string[], cwd: string): string[] {
  return args
    .filter((a) => !a.startsWith('-') && isSessionPath(a))
    .map((a) => (isAbsolute(a) ? a : resolve(cwd, a)));
}
