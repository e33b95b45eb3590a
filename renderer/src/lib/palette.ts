// Colours of bands and markers, indexed by the API's Band and Mark values: one table read by the
// canvas, the overview and the legend, so what the legend says is what the lanes show.

import { BAND_NAMES, MARK_NAMES } from '../../../preload/api.ts';

export const BAND_COLORS: readonly string[] = [
  '#3f9a66', // user
  '#3a6fba', // kernel
  '#d08a2e', // exception handler
  '#2f9aa6', // interrupt handler
  '#d6453d', // double fault
  '#59616e', // halted (drawn as a thin line)
  '#7d5fd0', // lock held
  '#d9aa2b', // lock spinning
  '#262d38', // task
  'transparent', // off
];

export const MARK_COLORS: readonly string[] = [
  '#7cc0ff', // syscall
  '#7cc0ff', // sysret
  '#ff6b5e', // fault
  '#a4adba', // interrupt
  '#f3a94b', // signal
  '#ff3030', // panic
  '#ff45d8', // triple fault
  '#ffffff', // reset
  '#b996ff', // lock
  '#ff8a3d', // oops
  '#7f8a99', // console
  '#7f8a99', // other
];

export const FLOW_COLORS: readonly string[] = ['#ff8f84', '#7cc0ff', '#d9aa2b', '#a4adba'];

export const LEGEND_BANDS = BAND_NAMES.slice(0, 8).map((name, i) => ({ name, color: BAND_COLORS[i]! }));
export const LEGEND_MARKS = [0, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({ name: MARK_NAMES[i]!, color: MARK_COLORS[i]! }));
