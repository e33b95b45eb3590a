import { cpuStateView, type CpuStateView } from '../session/cpu_state_view.ts';
import { CliError, intOption, parse } from './cli_error.ts';
import { withSession } from './open_for_cli.ts';
import type { Output } from './output.ts';

function describeCpu(v: CpuStateView, task: string | null, symbol: string | null): string {
  const r = v.regs;
  return [
    `CPU ${v.cpu}: ${v.state}, CPL ${v.cpl}, task ${v.pid}${task !== null ? ` (${task})` : ''}`,
    `  rip ${v.rip}${symbol ? ` <${symbol}>` : ''}  rsp ${r.rsp}  rflags ${v.rflags} [${v.flags.join(' ')}]`,
    `  rax ${r.rax}  rbx ${r.rbx}  rcx ${r.rcx}  rdx ${r.rdx}`,
    `  rsi ${r.rsi}  rdi ${r.rdi}  rbp ${r.rbp}  r8  ${r.r8}`,
    `  r9  ${r.r9}  r10 ${r.r10}  r11 ${r.r11}  r12 ${r.r12}`,
    `  r13 ${r.r13}  r14 ${r.r14}  r15 ${r.r15}`,
    `  cr0 ${v.cr0}  cr2 ${v.cr2}  cr3 ${v.cr3}  cr4 ${v.cr4} [${v.controlBits.join(' ')}]  efer ${v.efer}`,
  ].join('\n');
}

/** faultline state FILE --at T [--json]: the machine at instant T, by time travel. */
export async function stateCommand(args: string[], io: Output): Promise<void> {
  const { values, positionals } = parse('state', args, { at: { type: 'string' }, json: { type: 'boolean' } }, ['file']);
  if (values.at === undefined) throw new CliError('state: --at T is required (a time in ticks)', 2);
  const at = intOption('state', 'at', values.at, 0, Number.MAX_SAFE_INTEGER)!;
  await withSession('state', positionals[0]!, async (client) => {
    const info = await client.query('info');
    if (at > info.tLast) throw new CliError(`state: t=${at} is after the end of the recording (t=${info.tLast})`, 2);
    let state;
    try {
      state = await client.query('stateAt', at);
    } catch (e) {
      // The recording cannot be replayed here (no checkpoint, a machine this app cannot rebuild).
      if (e instanceof RangeError) throw new CliError(`state: ${e.message}`);
      throw e;
    }
    const cpus = state.cpus.map((s, i) => cpuStateView(i, s));
    const console = await client.query('consoleText', state.t);
    if (values.json) {
      io.out(JSON.stringify({ asked: state.asked, t: state.t, checkpointT: state.checkpointT, replayed: state.replayed, cpus, console }, null, 2) + '\n');
      return;
    }
    io.out(`t=${state.t}${state.t !== at ? ` (the first instruction boundary after ${at})` : ''}: restored the checkpoint at t=${state.checkpointT}, re-executed ${state.replayed} instructions\n`);
    const tasks = new Map((await client.query('tasks')).map((k) => [k.pid, k.name]));
    for (const v of cpus) {
      // A user RIP is named from the tables of the program the CPU's task runs.
      const task = tasks.get(v.pid) ?? null;
      io.out(describeCpu(v, task, await client.query('symbolize', BigInt(v.rip), task)) + '\n');
    }
    const tail = console.replace(/\r/g, '').split('\n').slice(-6).join('\n');
    if (tail.trim()) io.out(`console up to t=${state.t}:\n${tail.replace(/^/gm, '  ')}\n`);
  }, { queryTimeoutMs: 120000 });
}
