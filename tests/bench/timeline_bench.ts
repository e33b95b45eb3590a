// The timeline over a recording of ten million events, in Chromium through browser mode, as a
// user drives it: (a) time from "open session" (the click on the file) to the first timeline
// drawn with its lanes and markers, target 1 s; (b) the cost of each frame while zooming with
// the wheel and panning by drag, p50/p95, target p95 16 ms. Run with `npm run bench -- timeline`.
//
// The recording is a real run of the machine (dense_program.ts: every CPU making system calls
// with tracepoints under timer interrupts), made once per app version and session format and
// kept in the temp folder for the next run.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import pkg from '../../package.json' with { type: 'json' };
import { record } from '../../main/emulator_host/host.ts';
import { FORMAT_VERSION } from '../../main/session/schema.ts';
import { scriptedInputs } from '../session/fixtures/record_scripted.ts';
import { CHROMIUM_ARGS, findChromium } from '../e2e/find_chromium.ts';
import { startServer } from '../e2e/server.ts';
import type { DenseOptions } from './dense_program.ts';

const PROGRAM: DenseOptions = { cpus: 4, spin: 10, breakEvery: 4096 };
/** Instructions for just over 1e7 events (about 0.19 events per instruction). */
const BUDGET = 54_000_000;
const MIN_EVENTS = 10_000_000;
const OPEN_TARGET_MS = 1000;
const FRAME_TARGET_MS = 16;

async function recording(): Promise<string> {
  const dir = join(tmpdir(), 'faultline-bench');
  const path = join(dir, `timeline-${pkg.version}-format${FORMAT_VERSION}-dense-${BUDGET / 1e6}M.flt`);
  if (existsSync(path)) {
    console.log(`recording: ${path} (cached)`);
    return path;
  }
  mkdirSync(dir, { recursive: true });
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await record({
    recipe: { module: new URL('./dense_program.ts', import.meta.url).href, build: 'denseProgram', options: { ...PROGRAM } },
    inputs: { ...scriptedInputs(PROGRAM.cpus), scenario: 'dense-program' },
    out: partial,
    budget: BUDGET,
  }).done;
  const cpu = process.cpuUsage(cpu0);
  if (r.events < MIN_EVENTS) throw new Error(`the recording holds ${r.events} events, fewer than ${MIN_EVENTS}`);
  renameSync(partial, path);
  console.log(`recording: ${r.events} events, ${r.instructions} instructions in ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ` +
    `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU (this process and its workers), ${path}`);
  return path;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/**
 * Times every requestAnimationFrame callback (the app's frame scheduler is the only one): the
 * work of each frame, from its input to its drawing, and the gap between frames.
 */
const FRAME_TIMER = `
  window.__frames = { on: false, work: [], gaps: [], last: 0 };
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((ts) => {
    const f = window.__frames;
    const s = performance.now();
    cb(ts);
    if (f.on) {
      f.work.push(performance.now() - s);
      if (f.last > 0) f.gaps.push(s - f.last);
      f.last = s;
    }
  });
`;

/** In the page (as text: the bundler's helpers do not exist there): click the file, wait for its timeline. */
const OPEN_TIMER = `(async () => {
  const drawn = () => {
    const c = document.querySelector('[data-testid="timeline-canvas"]');
    return c !== null && c.dataset.drawn ? c.dataset.drawn : null;
  };
  const before = drawn();
  const t0 = performance.now();
  document.querySelector('[data-recent="dense.flt"]').click();
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    const now = drawn();
    if (now !== null && now !== before) return performance.now() - t0;
    if (performance.now() - t0 > 60000) throw new Error('the timeline was not drawn within 60 s');
  }
})()`;

interface Frames { work: number[]; gaps: number[] }

async function measure(page: Page, drive: () => Promise<void>): Promise<Frames> {
  await page.evaluate('(() => { const f = window.__frames; f.on = true; f.work = []; f.gaps = []; f.last = 0; })()');
  await drive();
  // Let the fetches started by the last moves land and draw.
  await page.waitForTimeout(1500);
  return page.evaluate<Frames>('(() => { const f = window.__frames; f.on = false; return { work: f.work, gaps: f.gaps }; })()');
}

function formatSpan(ticks: number): string {
  return ticks >= 1e6 ? `${(ticks / 1e6).toFixed(1)}M ticks` : ticks >= 1e3 ? `${(ticks / 1e3).toFixed(1)}k ticks` : `${ticks} ticks`;
}

function report(name: string, f: Frames): void {
  const p50 = percentile(f.work, 0.5);
  const p95 = percentile(f.work, 0.95);
  const long = f.work.filter((w) => w > FRAME_TARGET_MS).length;
  console.log(`${name.padEnd(44)} ${String(f.work.length).padStart(4)} frames  work p50 ${p50.toFixed(2)} ms  p95 ${p95.toFixed(2)} ms ` +
    `(${(p95 / FRAME_TARGET_MS).toFixed(2)}x target)  max ${Math.max(...f.work).toFixed(1)} ms  over ${FRAME_TARGET_MS} ms: ${long}  ` +
    `gap p50 ${percentile(f.gaps, 0.5).toFixed(1)} ms p95 ${percentile(f.gaps, 0.95).toFixed(1)} ms`);
}

export async function run(): Promise<void> {
  console.log('\n== timeline: 1e7 events in Chromium (browser mode) ==');
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`machine: ${availableParallelism()} CPUs, load average ${load()}`);
  const file = await recording();
  // The renderer as it is now, as `npm run test:e2e` builds it.
  execFileSync('npm', ['run', 'build:web'], { stdio: 'ignore' });
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
  try {
    copyFileSync(file, join(server.library, 'dense.flt'));
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript(FRAME_TIMER);
    await page.goto(server.url);
    const open = page.locator('[data-recent="dense.flt"]');
    await open.waitFor();
    const opens: number[] = [];
    for (let round = 0; round < 3; round++) {
      if (round > 0) {
        await page.getByRole('button', { name: /Gallery/ }).click();
        await open.waitFor();
      }
      // From the click to the first frame that drew this session's lanes and markers.
      const ms = await page.evaluate<number>(OPEN_TIMER);
      opens.push(ms);
    }
    const events = await page.getByTestId('runbar').textContent();
    console.log(`session: ${/([\d.,]+\s*[kM]?) events/.exec(events ?? '')?.[0] ?? '?'}`);
    console.log(`open -> first full timeline: ${opens.map((o) => o.toFixed(0)).join(', ')} ms (first, then reopened); ` +
      `first ${(opens[0]! / OPEN_TARGET_MS).toFixed(2)}x target, best ${(Math.min(...opens) / OPEN_TARGET_MS).toFixed(2)}x`);

    const canvas = page.getByTestId('timeline-canvas');
    const box = (await canvas.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + 60;
    await page.mouse.move(cx, cy);
    const wheel = (dy: number, n: number) => async () => {
      for (let i = 0; i < n; i++) {
        await page.mouse.wheel(0, dy);
        await page.waitForTimeout(16);
      }
    };
    const drag = async () => {
      for (let k = 0; k < 4; k++) {
        await page.mouse.move(cx, cy);
        await page.mouse.down();
        for (let i = 1; i <= 30; i++) {
          await page.mouse.move(cx + (k % 2 === 0 ? -1 : 1) * i * 15, cy);
          await page.waitForTimeout(16);
        }
        await page.mouse.up();
      }
    };
    const all: Frames = { work: [], gaps: [] };
    const phase = async (name: string, drive: () => Promise<void>) => {
      const f = await measure(page, drive);
      const [a, b] = ((await canvas.getAttribute('data-view')) ?? '0 0').split(' ').map(Number) as [number, number];
      report(`${name}, ${formatSpan(b - a)} in view`, f);
      all.work.push(...f.work);
      all.gaps.push(...f.gaps);
    };
    // From the whole run down to a few hundred ticks per screen and back out, panning at each depth.
    await phase('zoom in (wheel)', wheel(-120, 75));
    await phase('pan zoomed in (drag)', drag);
    await phase('zoom out (wheel)', wheel(120, 40));
    await phase('pan midway (drag)', drag);
    await phase('zoom out (wheel)', wheel(120, 25));
    await phase('pan zoomed out (drag)', drag);
    report('all', all);
    console.log(`frame work: the requestAnimationFrame callbacks (data pass, lanes, overview); gap: time between frames, ` +
      `paced here by the input Playwright sends. Load average after: ${load()}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}
