// The inspectors in the real renderer, on real recordings: each article question answered by
// looking at one view (which bit refused the access, which gate was missing, which stack the CPU
// switched to, which lock order closes a cycle, which canary was overwritten).

import { expect, test, type Page } from '@playwright/test';
import { recordingOf } from './recordings.ts';
import { screenshot } from './screens.ts';
import { startServer, type RunningServer } from './server.ts';

/** The SVG path methods used here (the tests compile without the DOM library). */
interface SvgPath {
  getTotalLength(): number;
  getPointAtLength(length: number): { x: number; y: number };
  getScreenCTM(): { a: number; b: number; c: number; d: number; e: number; f: number };
}

let server: RunningServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.stop();
});

async function open(page: Page, scenario: string): Promise<void> {
  const file = await recordingOf(scenario);
  await page.goto(server.url);
  await page.getByTestId('file-input').setInputFiles(file);
  await expect(page.getByTestId('runbar')).toBeVisible();
  await expect(page.getByTestId('inspectors')).toBeVisible();
}

/** Jumps to the first fault of the run and waits until the inspectors show it. */
async function firstFault(page: Page): Promise<void> {
  await page.keyboard.press('f');
  await page.getByTestId('tab-fault').click();
  await expect(page.getByTestId('exception-frame')).toBeVisible();
}

test('user-reads-kernel-pointer: the page walk names U/S, the error code reads P=1 W=0 U=1, the explain line names SIGSEGV and the process', async ({ page }) => {
  await open(page, 'user-reads-kernel-pointer');
  await firstFault(page);
  const code = page.getByTestId('error-code');
  await expect(code).toContainText('0x5');
  await expect(code.locator('[data-bit="P"]')).toHaveText('P=1');
  await expect(code.locator('[data-bit="W"]')).toHaveText('W=0');
  await expect(code.locator('[data-bit="U"]')).toHaveText('U=1');
  await expect(page.getByTestId('fault-stack')).toContainText('RSP0 from the TSS');
  await expect(page.getByTestId('event-panel')).toContainText(/SIGSEGV to pid \d+ \(\w+\)/);
  await screenshot(page, 'inspector-fault-user-reads-kernel-pointer');

  await page.getByTestId('tab-paging').click();
  const leaf = page.locator('[data-testid="walk-level"][data-leaf="1"]');
  await expect(leaf.locator('[data-bit="P"]')).toHaveAttribute('data-set', '1');
  await expect(leaf.locator('[data-bit="U/S"]')).toHaveAttribute('data-set', '0');
  await expect(leaf.locator('[data-bit="U/S"]')).toHaveClass(/denies/);
  await expect(page.getByTestId('walk-result')).toContainText('supervisor-only (U/S=0)');
  await screenshot(page, 'inspector-page-walk-user-reads-kernel-pointer');

  // The faulting user instruction under readkptr's own symbol and C line.
  await page.getByTestId('tab-code').click();
  await expect(page.getByTestId('disassembly-rip')).toContainText('main+0x');
  await expect(page.getByTestId('disassembly-source').last()).toContainText(/^user\/readkptr\.c:\d+/);
  await screenshot(page, 'inspector-code-user-reads-kernel-pointer');

  // One instruction of this CPU later the kernel's handler runs, under the frame the CPU pushed.
  await page.getByRole('button', { name: 'instr ▶' }).click();
  await page.getByTestId('tab-fault').click();
  await expect(page.getByTestId('pushed-frame')).toContainText('0x0000000000400078');
  await expect(page.getByTestId('pushed-frame')).toContainText('error code');
  await screenshot(page, 'inspector-pushed-frame-user-reads-kernel-pointer');

  // In the handler the CPU is in ring 0, with SMEP and SMAP on.
  await page.getByTestId('tab-cpu').click();
  await expect(page.getByTestId('cpl-ring')).toHaveAttribute('aria-label', 'privilege ring 0');
  await expect(page.locator('[data-testid="control-CR4"] [data-bit="SMAP"]')).toHaveAttribute('data-set', '1');
  await screenshot(page, 'inspector-cpu-bits-user-reads-kernel-pointer');

  // Any address can be walked, as the CPU's current mode would touch it: in the handler (CPL 0)
  // the program's own page is mapped, yet SMAP refuses it to the kernel.
  await page.getByTestId('tab-paging').click();
  await page.getByTestId('walk-address').fill('0x400078');
  await page.getByTestId('walk-address').press('Enter');
  await expect(page.getByTestId('walk-result')).toContainText('SMAP');
  await screenshot(page, 'inspector-page-walk-typed-address');
});

test('missing-pf-and-df-handler: the cascade lists #PF -> #GP -> #DF -> triple fault with its rules; the IDT marks 14 and 8 empty', async ({ page }) => {
  await open(page, 'missing-pf-and-df-handler');
  await firstFault(page);
  const steps = page.getByTestId('cascade-step');
  await expect(steps.first()).toHaveAttribute('data-what', '#PF');
  await expect(steps.nth(1)).toHaveAttribute('data-what', '#GP');
  await expect(steps.nth(1)).toContainText('IDT gate of #PF (vector 14)');
  await expect(steps.nth(2)).toHaveAttribute('data-what', '#DF');
  await expect(steps.nth(2)).toContainText('Table 6-5');
  await expect(steps.last()).toHaveAttribute('data-what', 'triple fault');
  await expect(steps.last()).toContainText('shuts down');
  await screenshot(page, 'inspector-cascade-missing-pf-and-df-handler');

  await page.getByTestId('tab-tables').click();
  await expect(page.locator('[data-testid="idt"] tr[data-vector="14"]')).toHaveAttribute('data-missing', '1');
  await expect(page.locator('[data-testid="idt"] tr[data-vector="8"]')).toHaveAttribute('data-missing', '1');
  await expect(page.locator('[data-testid="idt"] tr[data-vector="13"]')).toHaveAttribute('data-missing', '0');
  await screenshot(page, 'inspector-idt-missing-pf-and-df-handler');
});

for (const [scenario, ist] of [['kernel-stack-overflow', true], ['kernel-stack-overflow-no-ist', false]] as const) {
  test(`${scenario}: RSP is in the guard page; the TSS and IDT say which stack #DF gets`, async ({ page }) => {
    await open(page, scenario);
    await firstFault(page);
    // The last exception of the cascade: #DF on IST1, or a fault while delivering #DF on the broken stack.
    await expect(page.getByTestId('fault-stack')).toContainText(ist ? 'IST1 from the TSS' : 'the stack it was already on');
    await page.getByTestId('tab-stack').click();
    await expect(page.getByTestId('stack-where')).toContainText('guard page');
    await screenshot(page, `inspector-stack-${scenario}`);

    // The instruction that overflowed, in the recursing function, under its C line.
    await page.getByTestId('tab-code').click();
    await expect(page.getByTestId('disassembly-rip')).toContainText('recurse+0x');
    await expect(page.getByTestId('disassembly-source').first()).toContainText('kernel/crashlab.c:');
    await screenshot(page, `inspector-code-${scenario}`);

    await page.getByTestId('tab-tables').click();
    const ist1 = page.locator('[data-testid="tss"] tr[data-name="IST1"]');
    const df = page.locator('[data-testid="idt"] tr[data-vector="8"]');
    if (ist) {
      await expect(ist1).toContainText('#DF');
      await expect(df.locator('td').last()).toHaveText('1');
    } else {
      await expect(ist1).not.toContainText('#DF');
      await expect(df.locator('td').last()).toHaveText('—');
    }
    await screenshot(page, `inspector-tss-${scenario}`);
  });
}

test('lock-cycle: the lock graph highlights lock_A -> lock_B -> lock_C -> lock_A; an edge moves the playhead to its first taking', async ({ page }) => {
  await open(page, 'lock-cycle');
  await page.getByTestId('tab-locks').click();
  await expect(page.getByTestId('lock-cycle')).toContainText(/lock_\w → lock_\w → lock_\w → lock_\w/);
  for (const [from, to] of [['lock_A', 'lock_B'], ['lock_B', 'lock_C'], ['lock_C', 'lock_A']]) {
    await expect(page.locator(`[data-testid="lock-edge"][data-from="${from}"][data-to="${to}"]`)).toHaveAttribute('data-cycle', '1');
  }
  await screenshot(page, 'inspector-lock-graph-lock-cycle');

  const before = await page.getByTestId('playhead').textContent();
  const edge = page.locator('[data-testid="lock-edge"][data-from="lock_C"][data-to="lock_A"]');
  const title = await edge.locator('title').textContent();
  const firstTaken = /first taken at t (\d+)/.exec(title ?? '')![1]!;
  // An arrow is a curve: click on it, half-way along, not at the middle of its bounding box.
  await edge.scrollIntoViewIfNeeded();
  const point = await edge.evaluate((el) => {
    const path = el as unknown as SvgPath;
    const p = path.getPointAtLength(path.getTotalLength() / 2);
    const m = path.getScreenCTM();
    return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
  });
  await page.mouse.click(point.x, point.y);
  expect(before).not.toBe(`t = ${Number(firstTaken).toLocaleString('en-US')}`);
  await expect(page.getByTestId('playhead')).toHaveText(`t = ${Number(firstTaken).toLocaleString('en-US')}`);
  // At that instant the CPU that closes the cycle holds lock_C and asks for lock_A.
  await expect(page.getByTestId('locks-held').locator('li.selected')).toContainText('lock_C');
  await screenshot(page, 'inspector-lock-edge-clicked');
});

test('stack-smash: the panic report frames move the playhead; the stack view shows the canary overwritten', async ({ page }) => {
  await open(page, 'stack-smash');
  await page.getByTestId('tab-panic').click();
  await expect(page.getByTestId('panic-frames')).toContainText('stack_smash');
  await expect(page.getByTestId('panic-frame-source').last()).toHaveText(/^kernel\/crashlab\.c:\d+$/);
  await screenshot(page, 'inspector-panic-report-stack-smash');
  const before = await page.getByTestId('playhead').textContent();
  await page.getByTestId('panic-frame').filter({ hasText: 'stack_smash' }).click();
  await expect(page.getByTestId('playhead')).not.toHaveText(before ?? '');
  const canary = page.locator('[data-testid="stack-slots"] tr[data-kind="canary-overwritten"]');
  await expect(canary).toContainText('canary of stack_smash: overwritten');
  await canary.scrollIntoViewIfNeeded();
  await screenshot(page, 'inspector-stack-canary-stack-smash');
});
