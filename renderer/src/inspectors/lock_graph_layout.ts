// Positions for the lock graph: a D3 force layout run to rest once (a few dozen nodes at most),
// so the SVG is drawn from fixed coordinates and a click never moves the picture.

import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationNodeDatum } from 'd3';
import type { LockGraph } from '../../../preload/api.ts';

export interface PlacedLock extends SimulationNodeDatum {
  name: string;
  x: number;
  y: number;
}

const TICKS = 300;

export function layoutLockGraph(graph: LockGraph, width: number, height: number): Map<string, PlacedLock> {
  const nodes: PlacedLock[] = graph.locks.map((name, i) => {
    // Start on a circle so that the result does not depend on random numbers.
    const a = (2 * Math.PI * i) / Math.max(graph.locks.length, 1);
    return { name, x: width / 2 + (width / 3) * Math.cos(a), y: height / 2 + (height / 3) * Math.sin(a) };
  });
  const links = graph.edges.map((e) => ({ source: e.from, target: e.to }));
  const sim = forceSimulation(nodes)
    .force('link', forceLink<PlacedLock, { source: string; target: string }>(links).id((n) => n.name).distance(90))
    .force('charge', forceManyBody().strength(-250))
    .force('collide', forceCollide(34))
    // Pulls every node toward the middle, so that locks never taken together stay in view.
    .force('x', forceX(width / 2).strength(0.12))
    .force('y', forceY(height / 2).strength(0.2))
    .stop();
  sim.tick(TICKS);
  for (const n of nodes) {
    n.x = Math.min(Math.max(n.x, 40), width - 40);
    n.y = Math.min(Math.max(n.y, 24), height - 24);
  }
  return new Map(nodes.map((n) => [n.name, n]));
}
