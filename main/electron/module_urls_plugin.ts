// Build step for the main process: some modules are loaded by URL rather than imported, as
// `new URL('./some_module.ts', import.meta.url)`: worker entries (main/session/start_worker.ts
// runs a .ts URL through tsx) and machine builders named in a MachineRecipe (the emulator worker
// imports them). In the bundle there is no TypeScript and no tsx, so each such module becomes a
// chunk of its own, keeping its exports, and the URL is rewritten to point at that .js file.

import { dirname, posix, relative } from 'node:path';
import type { Plugin } from 'vite';

const MODULE_URL = /new URL\((['"])(\.{1,2}\/[\w./-]+\.ts)\1,\s*import\.meta\.url\)/g;
const PLACEHOLDER = /__FAULTLINE_MODULE_URL_(\d+)__/g;

export function bundleModuleUrls(): Plugin {
  // Placeholders carry an index into this list: reference ids may hold any character.
  const refs: string[] = [];
  return {
    name: 'faultline:module-urls',
    apply: 'build',
    async transform(code, id) {
      if (id.includes('node_modules') || !/\.[cm]?ts$/.test(id) || !code.includes('import.meta.url')) return null;
      const found = [...code.matchAll(MODULE_URL)];
      if (found.length === 0) return null;
      let out = code;
      for (const m of found) {
        const resolved = await this.resolve(m[2]!, id);
        if (resolved === null) this.error(`module loaded by URL not found: ${m[2]} (from ${id})`);
        const name = posix.basename(m[2]!, '.ts');
        const ref = this.emitFile({ type: 'chunk', id: resolved.id, name });
        refs.push(ref);
        out = out.replace(m[0], `new URL("__FAULTLINE_MODULE_URL_${refs.length - 1}__", import.meta.url)`);
      }
      return { code: out, map: null };
    },
    renderChunk(code, chunk) {
      if (!code.includes('__FAULTLINE_MODULE_URL_')) return null;
      return code.replace(PLACEHOLDER, (_m, index: string) => {
        const rel = relative(dirname(chunk.fileName), this.getFileName(refs[Number(index)]!)).split('\\').join('/');
        return rel.startsWith('.') ? rel : `./${rel}`;
      });
    },
  };
}
