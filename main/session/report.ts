// The panic report of a session as text: how the run ended, the oops and panic text, the chain
// of exceptions that led there, the last events and the console tail. For `faultline report`
// and "export as panic report".

import type { MachineEvent } from '../../emulator/machine/events.ts';
import { describeOutcome } from './outcome.ts';
import { formatEvent } from './format_event.ts';
import type { SessionClient } from './session_client.ts';
import { findCycle, nameEdges } from './lock_order.ts';

const LAST_EVENTS = 20;
const CHAIN = 8;
const CONSOLE_LINES = 20;

function indent(text: string): string {
  return text.replace(/\n+$/, '').split('\n').map((l) => '    ' + l).join('\n');
}

export async function sessionReport(client: SessionClient): Promise<string> {
  const info = await client.query('info');
  const o = info.outcome;
  const out: string[] = [];
  out.push(`Session ${info.path}`);
  out.push(`  scenario ${info.scenario || '(none)'}, ${info.config.cpus} CPU(s), ${Math.round(info.config.memoryBytes / 2 ** 20)} MiB, command line ${JSON.stringify(info.cmdline)}`);
  out.push(`  recorded by Faultline ${info.appVersion} at ${info.createdAt}, format ${info.formatVersion}`);
  out.push(`  ${info.events} events over t=${info.tFirst}..${info.tLast}${info.stats ? `, ${info.stats.instructions} instructions` : ''}`);
  out.push('');
  out.push(`Outcome: ${describeOutcome(o)}`);
  // Kernel addresses from the kernel's tables; user ones from those of the program the event's task ran.
  const tasks = new Map((await client.query('tasks')).map((k) => [k.pid, k.name]));
  const symbolizeAll = async (events: MachineEvent[]) => {
    const names = new Map<string, string | null>();
    const byProgram = new Map<string | null, Set<bigint>>();
    for (const e of events) {
      const program = tasks.get(e.pid) ?? null;
      const set = byProgram.get(program) ?? new Set<bigint>();
      byProgram.set(program, set);
      for (const v of Object.values(e)) if (typeof v === 'bigint') set.add(v);
    }
    for (const [program, set] of byProgram) {
      const addrs = [...set];
      (await client.query('symbolizeAll', addrs, program)).forEach((n, i) => names.set(`${program}:${addrs[i]}`, n));
    }
    return (e: MachineEvent) => (a: bigint) => names.get(`${tasks.get(e.pid) ?? null}:${a}`) ?? null;
  };

  const oopsAndPanic = await client.query('events', { kinds: ['trace'], traceTypes: [13, 14, 15, 16, 17, 19, 20], limit: 20 });
  for (const e of oopsAndPanic) {
    if (e.kind !== 'trace' || !e.text) continue;
    const what = ({ 13: 'Lockdep', 14: 'Spinlock recursion', 15: 'Oops', 16: 'Panic', 17: 'Watchdog', 19: 'Stack protector', 20: 'Double fault' } as Record<number, string>)[e.type];
    out.push('', `${what} (CPU ${e.cpu}, t=${e.t}):`, indent(e.text));
  }

  // A cycle in the order the kernel took its locks: the deadlock a watchdog caught, or one waiting to happen.
  const edges = await client.query('lockEdges');
  if (edges !== null && edges.length > 0) {
    const named = nameEdges(edges, await client.query('locks'));
    const cycle = findCycle(named);
    if (cycle.length > 0) {
      out.push('', 'Lock order cycle (locks taken in an order that can deadlock):', '    ' + cycle.join(' -> '));
      for (let i = 0; i + 1 < cycle.length; i++) {
        const e = named.find((x) => x.from === cycle[i] && x.to === cycle[i + 1])!;
        out.push(`    ${e.from} -> ${e.to}: first taken at t=${e.t} on CPU ${e.cpu}${tasks.has(e.pid) ? ` by ${tasks.get(e.pid)}` : ''}`);
      }
    }
  }

  // The chain: the last exceptions before the end on the CPU that failed, walked back until one
  // taken outside any handler (depth 1).
  const end = o.t + 1;
  const cpu = o.kind === 'panic' || o.kind === 'triple-fault' ? o.cpu : null;
  const filter = { kinds: ['exception', 'triple-fault'], ...(cpu !== null ? { cpus: [cpu] } : {}) };
  let from = end;
  for (let i = 0; i < CHAIN; i++) {
    const e = await client.query('step', from, -1, filter);
    if (!e) break;
    from = e.t;
    if (e.kind === 'exception' && e.depth <= 1) break;
  }
  const chain = from < end ? (await client.query('events', { ...filter, from, to: end, limit: 1000 })).slice(-CHAIN) : [];
  if (chain.length > 0) {
    const sym = await symbolizeAll(chain);
    out.push('', `Exception chain${cpu !== null ? ` on CPU ${cpu}` : ''} (oldest first):`);
    for (const e of chain) out.push('    ' + formatEvent(e, sym(e)));
  }

  const last: MachineEvent[] = [];
  for (let seq = Math.max(0, info.events - LAST_EVENTS); seq < info.events; seq++) {
    const e = await client.query('eventAt', seq);
    if (e) last.push(e);
  }
  if (last.length > 0) {
    const sym = await symbolizeAll(last);
    out.push('', `Last ${last.length} events:`);
    for (const e of last) out.push('    ' + formatEvent(e, sym(e)));
  }

  const lines = (await client.query('consoleUpTo', Infinity, 1 << 16)).slice(-CONSOLE_LINES);
  if (lines.length > 0) {
    out.push('', `Console (last ${lines.length} lines):`);
    for (const l of lines) out.push('    ' + JSON.stringify(l.text.replace(/\r?\n$/, '')).slice(1, -1));
  }
  return out.join('\n') + '\n';
}
