// The Open Recent list: absolute paths of .flt files, most recent first, no duplicates.

export const MAX_RECENT = 10;

export function isSessionPath(path: string): boolean {
  return path.toLowerCase().endsWith('.flt');
}

export function withRecent(recent: readonly string[], path: string): string[] {
  return [path, ...recent.filter((p) => p !== path)].slice(0, MAX_RECENT);
}

export function withoutRecent(recent: readonly string[], path: string): string[] {
  return recent.filter((p) => p !== path);
}
