import { describe, expect, it } from 'vitest';
import { findCycle, type TransferEdge } from './cycles.ts';

const at = (day: number) => new Date(Date.UTC(2026, 2, day, 4)).toISOString();
const edge = (from: string, to: string, day: number, voucherId = `${from}-${to}-${day}`): TransferEdge => ({ from, to, at: at(day), voucherId });
const windowFrom = at(10);

describe('findCycle on crafted transfer graphs', () => {
  it('no cycle: a chain and a fan-out that never come back', () => {
    const edges = [edge('A', 'B', 11), edge('B', 'C', 12), edge('A', 'D', 12), edge('D', 'C', 13), edge('C', 'E', 14)];
    expect(findCycle(edges, 'A', windowFrom)).toBeNull();
  });

  it('a short cycle: A → B → A', () => {
    const edges = [edge('A', 'B', 11), edge('B', 'A', 12), edge('B', 'C', 12)];
    expect(findCycle(edges, 'A', windowFrom)).toEqual({ parties: ['A', 'B', 'A'], vouchers: ['A-B-11', 'B-A-12'] });
  });

  it('a long cycle of eight hops, through a graph with side branches, is found and is the shortest way back', () => {
    const ring = ['A', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'A'];
    const edges = ring.slice(0, -1).map((p, i) => edge(p, ring[i + 1]!, 11 + i));
    edges.push(edge('P2', 'X', 13), edge('X', 'Y', 14), edge('P3', 'Z', 15));
    const cycle = findCycle(edges, 'A', windowFrom);
    expect(cycle?.parties).toEqual(ring);
    expect(cycle?.vouchers).toHaveLength(8);
  });

  it('a cycle one hop longer than the search bound is not reported', () => {
    const ring = ['A', 'B', 'C', 'D', 'A'];
    const edges = ring.slice(0, -1).map((p, i) => edge(p, ring[i + 1]!, 11 + i));
    expect(findCycle(edges, 'A', windowFrom, 3)).toBeNull();
    expect(findCycle(edges, 'A', windowFrom, 4)?.parties).toEqual(ring);
  });

  it('a cycle outside the window: the hop back happened before the window began', () => {
    const edges = [edge('A', 'B', 11), edge('B', 'A', 5)];
    expect(findCycle(edges, 'A', windowFrom)).toBeNull();
    // The same graph with the window opened earlier has the cycle.
    expect(findCycle(edges, 'A', at(1))?.parties).toEqual(['A', 'B', 'A']);
  });

  it('a cycle that does not pass through the party is not its cycle', () => {
    const edges = [edge('A', 'B', 11), edge('B', 'C', 12), edge('C', 'B', 13)];
    expect(findCycle(edges, 'A', windowFrom)).toBeNull();
    expect(findCycle(edges, 'B', windowFrom)?.parties).toEqual(['B', 'C', 'B']);
  });
});
