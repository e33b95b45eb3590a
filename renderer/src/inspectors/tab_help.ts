// Each inspector's title and its one line of help, for someone who has never seen one.

import type { InspectorTab } from './inspection.svelte.ts';

export const TAB_TITLES: Record<InspectorTab, string> = {
  fault: 'Fault', code: 'Code', stack: 'Stack', paging: 'Page walk', tables: 'IDT · TSS', locks: 'Locks', panic: 'Panic report', cpu: 'CPU bits',
};

export const TAB_HELP: Record<InspectorTab, string> = {
  fault: 'The last exception on this CPU: what the CPU pushed, its error code bit by bit, and the chain of faults that led to it.',
  code: 'The machine instructions around RIP, the one about to run highlighted, under the C line each was compiled from.',
  stack: 'The stack from RSP upwards: return addresses, saved frame pointers and canaries, and the functions that called each other.',
  paging: 'How the MMU translates one address: the four page-table entries it reads, and the bit that refuses the access.',
  tables: 'The interrupt table (which handler runs for each exception) and the TSS (which stack the CPU switches to).',
  locks: 'Locks each CPU holds, and every lock order seen in the run: a cycle in the graph is a deadlock waiting to happen.',
  panic: 'The kernel\'s own report of the crash as it printed it; click a frame to go there.',
  cpu: 'The privilege ring and the control registers, bit by bit: what mode the CPU is in and which protections are on.',
};
