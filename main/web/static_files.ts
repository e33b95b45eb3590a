// The built renderer, and only it: the file list is taken once at startup from the build folder,
// and a request is answered only when its path is a key of that list. No path is ever joined
// from request text, so '..', encoded separators or symlinks added later cannot reach anything
// else. The cost is a restart to pick up a rebuilt renderer, which start:web does anyway.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface StaticFile {
  type: string;
  body: Buffer;
}

export function loadBuiltRenderer(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) {
        const type = TYPES[extname(name)];
        if (type === undefined) continue;
        files.set('/' + relative(root, full).split(sep).join('/'), { type, body: readFileSync(full) });
      }
    }
  };
  walk(root);
  if (!files.has('/index.html')) throw new Error(`no built renderer in ${root}: run npm run build:web first`);
  return files;
}
