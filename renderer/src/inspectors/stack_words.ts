// Which stack the CPU pushed an exception frame on, and why, in words (SDM Vol. 3, 6.14.4 and
// 6.14.5): a gate with an IST index always switches to that stack; otherwise a change of
// privilege loads RSP0 from the TSS, and no change keeps the current stack.

export function stackWords(stack: string): string {
  if (stack === 'rsp0') return 'RSP0 from the TSS: the fault came from ring 3, so the CPU switched to the kernel stack';
  if (stack.startsWith('ist')) return `${stack.toUpperCase()} from the TSS: the gate names an IST stack, which the CPU switches to whatever it was on`;
  return 'the stack it was already on: no change of privilege, and the gate names no IST stack';
}
