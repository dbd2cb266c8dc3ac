/**
 * One invoice, one financing (一票一融): how much of each invoice is used, so that no invoice ever
 * backs more than its total.
 *
 * An invoice's total is taken by the payables confirmed against it (`committed`: what each
 * confirmation names, released if the ledger refuses the payable). What the ledger then does with
 * a payable is counted in fen per payable and cumulatively — `issued` (VoucherIssued's consumed
 * backing, less the backing returned by a rejection, cancellation or expiry of the root),
 * `financed` and `settled` (shares of the root's financed pieces and settlements) — and spread
 * over the payable's invoices by **filling them in the order the confirmation listed them**: the
 * first invoice takes up to its amount, then the next. An invoice's usage is the sum of its shares
 * over every payable resting on it.
 *
 * Because shares are recomputed from cumulative amounts, each is at most what the confirmation
 * took from that invoice, whatever the ledger's events say (they are untrusted input): a share
 * never exceeds its allocation, and allocations never exceed the invoice total (the confirmation
 * refuses more than the remainder). Pure functions; the store loads and saves the rows.
 */

export interface Allocation {
  invoiceId: string;
  amountFen: bigint;
}

/** A payable as usage sees it. */
export interface PayableUsage {
  payableId: string;
  amountFen: bigint;
  /** Refused by the ledger: it takes nothing from its invoices any more. */
  refused: boolean;
  /** What the confirmation takes from each invoice, in the order it listed them. */
  allocations: Allocation[];
  issuedFen: bigint;
  financedFen: bigint;
  settledFen: bigint;
}

/** A root voucher issued against payables, and what of it was financed and settled. */
export interface RootUsage {
  rootId: string;
  backing: { payableId: string; amountFen: bigint }[];
  /** False once the root is rejected, cancelled or expired back to the issuer. */
  live: boolean;
  financedFen: bigint;
  settledFen: bigint;
}

export interface InvoiceShare {
  invoiceId: string;
  committed: bigint;
  used: bigint;
  financed: bigint;
  settled: bigint;
}

const clamp = (v: bigint, lo: bigint, hi: bigint): bigint => (v < lo ? lo : v > hi ? hi : v);

/** `total` spread over `capacities` in order: each takes up to its capacity. */
export function fillInOrder(total: bigint, capacities: readonly bigint[]): bigint[] {
  let left = total < 0n ? 0n : total;
  return capacities.map((c) => {
    const take = left < c ? left : c;
    left -= take;
    return take;
  });
}

/** Each invoice's share of a payable. */
export function sharesOf(p: PayableUsage): InvoiceShare[] {
  const caps = p.allocations.map((a) => (p.refused ? 0n : a.amountFen));
  const committedTotal = caps.reduce((s, c) => s + c, 0n);
  const issued = clamp(p.issuedFen, 0n, committedTotal);
  const used = fillInOrder(issued, caps);
  const financed = fillInOrder(clamp(p.financedFen, 0n, issued), caps);
  const settled = fillInOrder(clamp(p.settledFen, 0n, issued), caps);
  return p.allocations.map((a, i) => ({ invoiceId: a.invoiceId, committed: caps[i]!, used: used[i]!, financed: financed[i]!, settled: settled[i]! }));
}

/** Each payable's share of what was financed and settled of a root. */
export function rootShares(r: RootUsage): Map<string, { financed: bigint; settled: bigint }> {
  const caps = r.backing.map((b) => (r.live ? b.amountFen : 0n));
  const total = caps.reduce((s, c) => s + c, 0n);
  const financed = fillInOrder(clamp(r.financedFen, 0n, total), caps);
  const settled = fillInOrder(clamp(r.settledFen, 0n, total), caps);
  const out = new Map<string, { financed: bigint; settled: bigint }>();
  r.backing.forEach((b, i) => {
    const prev = out.get(b.payableId) ?? { financed: 0n, settled: 0n };
    out.set(b.payableId, { financed: prev.financed + financed[i]!, settled: prev.settled + settled[i]! });
  });
  return out;
}

/** What the ledger said, reduced to what usage needs. */
export type UsageEvent =
  | { type: 'voucherIssued'; rootId: string; backing: { payableId: string; amountFen: bigint }[]; consumed: { payableId: string; amountFen: bigint }[] }
  | { type: 'voucherReturned'; rootId: string; voucherId: string; restored: { payableId: string; amountFen: bigint }[] }
  | { type: 'voucherFinanced'; rootId: string; amountFen: bigint }
  | { type: 'voucherSettled'; rootId: string; amountFen: bigint }
  | { type: 'payableRefused'; payableId: string };

/** The rows an event reads; the store loads them (locked) before `evolveUsage`. */
export interface UsageView {
  payable(payableId: string): PayableUsage | undefined;
  root(rootId: string): RootUsage | undefined;
}

export interface UsageChange {
  payables: PayableUsage[];
  roots: RootUsage[];
}

/** The payables and roots an event changes, with their new values. Unknown payables are not ours: skipped. */
export function evolveUsage(view: UsageView, event: UsageEvent): UsageChange {
  const payables = new Map<string, PayableUsage>();
  const get = (id: string): PayableUsage | undefined => payables.get(id) ?? view.payable(id);
  const put = (p: PayableUsage) => void payables.set(p.payableId, p);
  const roots: RootUsage[] = [];

  const applyRoot = (before: RootUsage | undefined, after: RootUsage) => {
    const was = before ? rootShares(before) : new Map<string, { financed: bigint; settled: bigint }>();
    const now = rootShares(after);
    for (const [payableId, s] of now) {
      const p = get(payableId);
      if (!p) continue;
      const old = was.get(payableId) ?? { financed: 0n, settled: 0n };
      put({ ...p, financedFen: p.financedFen + s.financed - old.financed, settledFen: p.settledFen + s.settled - old.settled });
    }
    roots.push(after);
  };

  switch (event.type) {
    case 'voucherIssued': {
      for (const c of event.consumed) {
        const p = get(c.payableId);
        if (p) put({ ...p, issuedFen: p.issuedFen + c.amountFen });
      }
      if (!view.root(event.rootId)) roots.push({ rootId: event.rootId, backing: event.backing, live: true, financedFen: 0n, settledFen: 0n });
      break;
    }
    case 'voucherReturned': {
      for (const r of event.restored) {
        const p = get(r.payableId);
        if (p) put({ ...p, issuedFen: p.issuedFen - r.amountFen < 0n ? 0n : p.issuedFen - r.amountFen });
      }
      const root = view.root(event.rootId);
      if (root && event.voucherId === event.rootId && root.live) applyRoot(root, { ...root, live: false });
      break;
    }
    case 'voucherFinanced':
    case 'voucherSettled': {
      const root = view.root(event.rootId);
      if (!root) break;
      applyRoot(root, event.type === 'voucherFinanced' ? { ...root, financedFen: root.financedFen + event.amountFen } : { ...root, settledFen: root.settledFen + event.amountFen });
      break;
    }
    case 'payableRefused': {
      const p = get(event.payableId);
      if (p && !p.refused) put({ ...p, refused: true });
      break;
    }
  }
  return { payables: [...payables.values()], roots };
}

/** How each invoice's usage moves when payables change from `before` to `after`. */
export function invoiceDeltas(before: readonly PayableUsage[], after: readonly PayableUsage[]): Map<string, InvoiceShare> {
  const out = new Map<string, InvoiceShare>();
  const add = (shares: InvoiceShare[], sign: 1n | -1n) => {
    for (const s of shares) {
      const d = out.get(s.invoiceId) ?? { invoiceId: s.invoiceId, committed: 0n, used: 0n, financed: 0n, settled: 0n };
      out.set(s.invoiceId, { invoiceId: s.invoiceId, committed: d.committed + sign * s.committed, used: d.used + sign * s.used, financed: d.financed + sign * s.financed, settled: d.settled + sign * s.settled });
    }
  };
  for (const p of before) add(sharesOf(p), -1n);
  for (const p of after) add(sharesOf(p), 1n);
  for (const [id, d] of out) if (d.committed === 0n && d.used === 0n && d.financed === 0n && d.settled === 0n) out.delete(id);
  return out;
}
