// The one owner of requestAnimationFrame. Views ask for a redraw; at most one frame runs per
// display refresh, and in it the passes run in this fixed order:
//   1. 'data'     issue fetches the new viewport needs (results arrive later and ask again)
//   2. 'timeline' draw the lanes canvas
//   3. 'overview' draw the overview strip
// so a frame never draws with a viewport that its own data pass has not yet seen.

export type Pass = 'data' | 'timeline' | 'overview';
const ORDER: readonly Pass[] = ['data', 'timeline', 'overview'];

const handlers = new Map<Pass, Set<() => void>>(ORDER.map((p) => [p, new Set()]));
const wanted = new Set<Pass>();
let frame = 0;

function run(): void {
  frame = 0;
  const passes = ORDER.filter((p) => wanted.has(p));
  wanted.clear();
  for (const p of passes) for (const h of handlers.get(p)!) h();
}

export function requestPass(...passes: Pass[]): void {
  for (const p of passes) wanted.add(p);
  if (frame === 0) frame = requestAnimationFrame(run);
}

export function onPass(pass: Pass, handler: () => void): () => void {
  handlers.get(pass)!.add(handler);
  return () => handlers.get(pass)!.delete(handler);
}
