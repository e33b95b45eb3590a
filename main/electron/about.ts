// The About box's text: the app's version and those of what it runs on, for bug reports.

export interface Versions {
  app: string;
  electron: string;
  chrome: string;
  node: string;
  v8: string;
  os: string;
}

export function aboutDetail(v: Versions): string {
  return [
    `Version ${v.app}`,
    `Electron ${v.electron}`,
    `Chromium ${v.chrome}`,
    `Node.js ${v.node}`,
    `V8 ${v.v8}`,
    `OS ${v.os}`,
    '',
    'An emulated x86-64 SMP machine running a teaching kernel, recorded event by event.',
  ].join('\n');
}
