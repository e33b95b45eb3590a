// Build step for the main process: worker threads are started as
// `new URL('./some_worker.ts', import.meta.url)` (main/session/start_worker.ts runs such a URL
// through tsx when it ends in .ts). In the bundle there is no TypeScript and no tsx, so each
// such URL becomes its own built chunk and the URL is rewritten to point at that .js file.

import { dirname, posix, relative } from 'node:path';
import type { Plugin } from 'vite';

const WORKER_URL = /new URL\((['"])(\.{1,2}\/[\w./-]+\.ts)\1,\s*import\.meta\.url\)/g;
const PLACEHOLDER = /__FAULTLINE_WORKER_(\d+)__/g;

export function bundledWorkers(): Plugin {
  // Placeholders carry an index into this list: reference ids may hold any character.
  const refs: string[] = [];
  return {
    name: 'faultline:bundled-workers',
    apply: 'build',
    async transform(code, id) {
      if (id.includes('node_modules') || !/\.[cm]?ts$/.test(id) || !code.includes('import.meta.url')) return null;
      const found = [...code.matchAll(WORKER_URL)];
      if (found.length === 0) return null;
      let out = code;
      for (const m of found) {
        const resolved = await this.resolve(m[2]!, id);
        if (resolved === null) this.error(`worker module not found: ${m[2]} (from ${id})`);
        const name = posix.basename(m[2]!, '.ts');
        const ref = this.emitFile({ type: 'chunk', id: resolved.id, name });
        refs.push(ref);
        out = out.replace(m[0], `new URL("__FAULTLINE_WORKER_${refs.length - 1}__", import.meta.url)`);
      }
      return { code: out, map: null };
    },
    renderChunk(code, chunk) {
      if (!code.includes('__FAULTLINE_WORKER_')) return null;
      return code.replace(PLACEHOLDER, (_m, index: string) => {
        const rel = relative(dirname(chunk.fileName), this.getFileName(refs[Number(index)]!)).split('\\').join('/');
        return rel.startsWith('.') ? rel : `./${rel}`;
      });
    },
  };
}
