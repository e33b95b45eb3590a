// Draws the lanes canvas: ruler, bands with task labels, markers, flow arrows, bookmarks and the
// playhead. Pure drawing from data already fetched; called once per frame by the scheduler.
// Cost is linear in spans plus markers in view, which the server bounds to about one per pixel
// per lane (level of detail), so a frame stays a few milliseconds at any zoom.

import type { ScaleLinear } from 'd3';
import { Band, Mark, type Bookmark, type EventMarks, type SpanResult } from '../../../preload/api.ts';
import { formatTicks } from './format.ts';
import { BAND_COLORS, FLOW_COLORS, MARK_COLORS } from './palette.ts';
import { cpuLane, RULER_H, type Layout } from './timeline_layout.ts';

export interface DrawInput {
  ctx: CanvasRenderingContext2D;
  width: number;
  layout: Layout;
  x: ScaleLinear<number, number>;
  spans: SpanResult | null;
  marks: EventMarks | null;
  playhead: number;
  cpu: number;
  selectedSeq: number | null;
  bookmarks: readonly Bookmark[];
  tEnd: number;
}

const FONT = '10px ui-monospace, "DejaVu Sans Mono", monospace';

export function drawTimeline(d: DrawInput): void {
  const { ctx, width, layout } = d;
  ctx.clearRect(0, 0, width, layout.height);
  drawLaneBackgrounds(d);
  drawBands(d);
  drawFlows(d);
  drawMarks(d);
  drawRuler(d);
  drawBookmarks(d);
  drawPlayhead(d);
}

function drawLaneBackgrounds({ ctx, width, layout, cpu, x, tEnd }: DrawInput): void {
  for (const r of layout.rows) {
    ctx.fillStyle = r.kind === 'cpu' && r.index === cpu ? '#18202b' : r.index % 2 ? '#12151a' : '#101317';
    ctx.fillRect(0, r.y, width, r.h);
  }
  if (layout.lockTitleY !== null) {
    ctx.fillStyle = '#151920';
    ctx.fillRect(0, layout.lockTitleY, width, 20);
    ctx.fillStyle = '#8b94a3';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText('Locks: held / spinning, arrow from spinner to holder', 6, layout.lockTitleY + 14);
  }
  // Not yet recorded (a live run) or after the end of the recording.
  const end = x(tEnd);
  if (end < width) {
    ctx.fillStyle = 'rgba(255,255,255,0.025)';
    ctx.fillRect(Math.max(end, 0), RULER_H, width - Math.max(end, 0), layout.height - RULER_H);
  }
}

/** Diagonal hatching over a summarised span that hid other bands. */
function hatch(ctx: CanvasRenderingContext2D, x0: number, y: number, w: number, h: number): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, y, w, h);
  ctx.clip();
  ctx.strokeStyle = 'rgba(255,255,255,0.22)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let k = x0 - h; k < x0 + w; k += 4) {
    ctx.moveTo(k, y + h);
    ctx.lineTo(k + h, y);
  }
  ctx.stroke();
  ctx.restore();
}

function drawBands({ ctx, width, layout, x, spans }: DrawInput): void {
  if (spans === null) return;
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  for (const lane of spans.lanes) {
    const row = layout.byLane.get(lane.lane);
    if (row === undefined) continue;
    const isTask = lane.lane.startsWith('task:');
    const isLock = row.kind === 'lock';
    const n = lane.t0.length;
    let lastLabelEnd = -Infinity;
    for (let i = 0; i < n; i++) {
      const b = lane.band[i]!;
      if (b === Band.Off) continue;
      let x0 = x(lane.t0[i]!);
      let x1 = x(lane.t1[i]!);
      if (x1 < 0 || x0 > width) continue;
      x0 = Math.max(x0, -1);
      x1 = Math.min(x1, width + 1);
      const w = Math.max(x1 - x0, 1);
      // Lock lanes: held in the upper half, spinning in the lower, so both show when they overlap.
      const y = isTask ? row.taskY : isLock && b === Band.LockSpinning ? row.bandY + row.bandH / 2 : row.bandY;
      const h = isTask ? row.taskH : isLock ? row.bandH / 2 : row.bandH;
      ctx.fillStyle = BAND_COLORS[b]!;
      if (b === Band.Halted) {
        ctx.fillRect(x0, y + h / 2 - 1, w, 2);
        continue;
      }
      ctx.fillRect(x0, y, w, h);
      if (isTask) {
        ctx.fillStyle = '#101317';
        ctx.fillRect(x1 - 1, y, 1, h);
      }
      if (lane.mixed[i] === 1 && w > 3) hatch(ctx, x0, y, w, h);
      const li = lane.label[i]!;
      if (li >= 0 && w > 24 && x0 > lastLabelEnd) {
        const text = lane.labels[li] ?? '';
        const tw = ctx.measureText(text).width;
        if (tw + 8 < w) {
          ctx.fillStyle = isTask ? '#c5cbd4' : '#f2f4f7';
          ctx.fillText(text, Math.max(x0, 0) + 4, y + h / 2 + 0.5);
          lastLabelEnd = Math.max(x0, 0) + tw + 8;
        }
      }
    }
  }
}

function markGlyph(ctx: CanvasRenderingContext2D, mark: number, px: number, y: number, h: number): void {
  switch (mark) {
    case Mark.Fault:
    case Mark.Oops:
      ctx.beginPath();
      ctx.moveTo(px - 4.5, y);
      ctx.lineTo(px + 4.5, y);
      ctx.lineTo(px, y + 9);
      ctx.closePath();
      ctx.fill();
      return;
    case Mark.Signal:
      ctx.beginPath();
      ctx.moveTo(px, y);
      ctx.lineTo(px + 4.5, y + 4.5);
      ctx.lineTo(px, y + 9);
      ctx.lineTo(px - 4.5, y + 4.5);
      ctx.closePath();
      ctx.fill();
      return;
    case Mark.Lock:
      ctx.fillRect(px - 3, y + 2, 6, 6);
      return;
    case Mark.Panic:
      ctx.fillRect(px - 1.5, y, 3, h);
      ctx.beginPath();
      ctx.arc(px, y + 4.5, 5, 0, Math.PI * 2);
      ctx.fill();
      return;
    default:
      ctx.fillRect(px - 0.5, y + 2, 1.5, 8);
  }
}

function drawMarks({ ctx, width, layout, x, marks, selectedSeq }: DrawInput): void {
  if (marks === null) return;
  ctx.font = FONT;
  ctx.textBaseline = 'top';
  const n = marks.t.length;
  // Machine-wide marks (triple fault, reset) cross every CPU lane.
  const top = layout.cpuRows[0]?.y ?? RULER_H;
  const last = layout.cpuRows[layout.cpuRows.length - 1];
  const bottom = last === undefined ? top : last.y + last.h;
  const labelEnd = new Float64Array(layout.cpuRows.length).fill(-Infinity);
  const wideLabelEnd = { tf: -Infinity, reset: -Infinity };
  for (let i = 0; i < n; i++) {
    const px = x(marks.t[i]!);
    if (px < -10 || px > width + 10) continue;
    const m = marks.mark[i]!;
    const color = MARK_COLORS[m]!;
    ctx.fillStyle = color;
    ctx.strokeStyle = color;
    if (m === Mark.TripleFault || m === Mark.Reset) {
      ctx.lineWidth = m === Mark.TripleFault ? 3 : 1.5;
      ctx.setLineDash(m === Mark.Reset ? [4, 3] : []);
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      // The reset follows its triple fault within a few ticks: one label above, one below.
      const text = m === Mark.TripleFault ? 'TRIPLE FAULT' : 'reset';
      const y = m === Mark.TripleFault ? top + 2 : bottom - 12;
      const end = m === Mark.TripleFault ? wideLabelEnd.tf : wideLabelEnd.reset;
      if (px + 4 > end) {
        ctx.fillText(text, px + 4, y);
        if (m === Mark.TripleFault) wideLabelEnd.tf = px + 8 + ctx.measureText(text).width;
        else wideLabelEnd.reset = px + 8 + ctx.measureText(text).width;
      }
      continue;
    }
    const row = layout.byLane.get(cpuLane(marks.cpu[i]!));
    if (row === undefined) continue;
    markGlyph(ctx, m, px, row.y + 2, row.h - 4);
    if (marks.seq[i] === selectedSeq) {
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(px - 6, row.y + 1, 12, row.h - 2);
    }
    // Name faults and panics beside their glyph when there is room.
    if (m === Mark.Fault || m === Mark.Panic || m === Mark.Oops || m === Mark.Signal) {
      const li = marks.label[i]!;
      const text = li >= 0 ? marks.labels[li]! : '';
      const c = row.index;
      if (text !== '' && px + 6 > labelEnd[c]!) {
        ctx.fillStyle = color;
        ctx.fillText(text, px + 6, row.y + 2);
        labelEnd[c] = px + 10 + ctx.measureText(text).width;
      }
    }
  }
}

function drawFlows({ ctx, width, layout, x, marks }: DrawInput): void {
  if (marks === null) return;
  const f = marks.flows;
  ctx.lineWidth = 1.2;
  for (let i = 0; i < f.t0.length; i++) {
    const x0 = x(f.t0[i]!);
    const x1 = x(f.t1[i]!);
    if (x1 < 0 || x0 > width || x1 - x0 < 3 && f.cpu0[i] === f.cpu1[i]) continue;
    const r0 = layout.byLane.get(cpuLane(f.cpu0[i]!));
    const r1 = layout.byLane.get(cpuLane(f.cpu1[i]!));
    if (r0 === undefined || r1 === undefined) continue;
    ctx.strokeStyle = FLOW_COLORS[f.kind[i]!]!;
    const y0 = r0.bandY;
    const y1 = r1.bandY;
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    if (r0 === r1) {
      // Same CPU (fault -> handler -> return): an arc over the band.
      const lift = Math.min(10, (x1 - x0) / 3);
      ctx.bezierCurveTo(x0, y0 - lift, x1, y1 - lift, x1, y1);
    } else {
      ctx.bezierCurveTo(x0 + 12, y0, x1 - 12, y1, x1, y1);
    }
    ctx.stroke();
    // Arrowhead at the destination.
    const dir = x1 >= x0 ? 1 : -1;
    ctx.fillStyle = ctx.strokeStyle;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 5 * dir, y1 - 3);
    ctx.lineTo(x1 - 5 * dir, y1 + 1);
    ctx.closePath();
    ctx.fill();
  }
}

function drawRuler({ ctx, width, layout, x }: DrawInput): void {
  ctx.fillStyle = '#151920';
  ctx.fillRect(0, 0, width, RULER_H);
  ctx.strokeStyle = '#2a313c';
  ctx.beginPath();
  ctx.moveTo(0, RULER_H - 0.5);
  ctx.lineTo(width, RULER_H - 0.5);
  ctx.stroke();
  ctx.font = FONT;
  ctx.textBaseline = 'top';
  const [a, b] = x.domain() as [number, number];
  const ticks = x.ticks(Math.max(2, Math.floor(width / 110)));
  for (const t of ticks) {
    const px = Math.round(x(t)) + 0.5;
    ctx.strokeStyle = '#2a313c';
    ctx.beginPath();
    ctx.moveTo(px, RULER_H - 8);
    ctx.lineTo(px, layout.height);
    ctx.globalAlpha = 0.5;
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillStyle = '#8b94a3';
    // Label relative to the viewport start when zoomed far in, so digits stay readable.
    ctx.fillText(b - a < 1e4 && a > 1e6 ? `+${formatTicks(t - a)}` : formatTicks(t), px + 3, 5);
  }
}

function drawBookmarks({ ctx, layout, x, bookmarks }: DrawInput): void {
  ctx.fillStyle = '#ffd166';
  for (const b of bookmarks) {
    const px = x(b.t);
    ctx.fillRect(px - 0.5, RULER_H - 12, 1, layout.height - RULER_H + 12);
    ctx.beginPath();
    ctx.moveTo(px, RULER_H - 14);
    ctx.lineTo(px + 7, RULER_H - 11);
    ctx.lineTo(px, RULER_H - 8);
    ctx.closePath();
    ctx.fill();
  }
}

function drawPlayhead({ ctx, layout, x, playhead }: DrawInput): void {
  const px = Math.round(x(playhead)) + 0.5;
  ctx.strokeStyle = '#4ea1ff';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(px, 0);
  ctx.lineTo(px, layout.height);
  ctx.stroke();
  ctx.fillStyle = '#4ea1ff';
  ctx.beginPath();
  ctx.moveTo(px - 6, 0);
  ctx.lineTo(px + 6, 0);
  ctx.lineTo(px + 6, 8);
  ctx.lineTo(px, 14);
  ctx.lineTo(px - 6, 8);
  ctx.closePath();
  ctx.fill();
}
