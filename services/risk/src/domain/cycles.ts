/**
 * Cycles in the transfer graph: value that leaves a party and comes back to it through others
 * (A → B → … → A) within a window is a sign of circular trading, made to inflate volume or to
 * finance the same trade twice. An edge is one accepted voucher: sender → recipient at the time
 * the recipient accepted. The shortest such cycle through a party is found by breadth-first
 * search over the edges inside the window, up to `cycleHopsMax` hops.
 */
export interface TransferEdge {
  from: string;
  to: string;
  /** UTC instant the recipient accepted. */
  at: string;
  voucherId: string;
}

/** The longest cycle looked for, in hops. */
export const cycleHopsMax = 12;

export interface Cycle {
  /** The parties in order, starting and ending with the party searched from. */
  parties: string[];
  /** The vouchers that carried each hop. */
  vouchers: string[];
}

/** The shortest cycle through `start` using edges accepted at or after `windowStart`, or null. */
export function findCycle(edges: readonly TransferEdge[], start: string, windowStart: string, hopsMax = cycleHopsMax): Cycle | null {
  const from = Date.parse(windowStart);
  const next = new Map<string, TransferEdge[]>();
  for (const e of edges) {
    if (Date.parse(e.at) < from || e.from === e.to) continue;
    const list = next.get(e.from) ?? [];
    list.push(e);
    next.set(e.from, list);
  }
  // Deterministic order: the same edges give the same cycle.
  for (const list of next.values()) list.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : a.voucherId < b.voucherId ? -1 : 1));
  const cameBy = new Map<string, TransferEdge>();
  let frontier = [start];
  for (let hop = 1; hop <= hopsMax && frontier.length > 0; hop++) {
    const following: string[] = [];
    for (const party of frontier) {
      for (const e of next.get(party) ?? []) {
        if (e.to === start) return trace(cameBy, start, e);
        if (cameBy.has(e.to)) continue;
        cameBy.set(e.to, e);
        following.push(e.to);
      }
    }
    frontier = following;
  }
  return null;
}

function trace(cameBy: Map<string, TransferEdge>, start: string, last: TransferEdge): Cycle {
  const hops: TransferEdge[] = [last];
  let at = last.from;
  while (at !== start) {
    const e = cameBy.get(at)!;
    hops.unshift(e);
    at = e.from;
  }
  return { parties: [start, ...hops.map((e) => e.to)], vouchers: hops.map((e) => e.voucherId) };
}
