/**
 * One invoice, one financing: usage is filled in the confirmation's order, recomputed from
 * cumulative amounts, and — the property — never exceeds any invoice's total, whatever sequence of
 * confirmations and ledger events (issue, finance, settle, cancel, refusal, even amounts a correct
 * ledger would never send) arrives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenText } from '@cascade/money';
import { draftPayable, type PayableCommand } from './payable.ts';
import { decided } from './rejections.ts';
import type { Invoice } from './records.ts';
import { World } from './test-support.ts';
import { evolveUsage, fillInOrder, invoiceDeltas, rootShares, sharesOf, type InvoiceShare, type PayableUsage, type RootUsage, type UsageEvent } from './usage.ts';

const payable = (allocations: [string, bigint][], over: Partial<PayableUsage> = {}): PayableUsage => ({
  payableId: 'P1',
  amountFen: allocations.reduce((s, [, a]) => s + a, 0n),
  refused: false,
  allocations: allocations.map(([invoiceId, amountFen]) => ({ invoiceId, amountFen })),
  issuedFen: 0n,
  financedFen: 0n,
  settledFen: 0n,
  ...over,
});

describe('fillInOrder', () => {
  it('fills the first capacity before the next, and never past the capacities', () => {
    expect(fillInOrder(150n, [100n, 100n])).toEqual([100n, 50n]);
    expect(fillInOrder(500n, [100n, 100n])).toEqual([100n, 100n]);
    expect(fillInOrder(-5n, [100n])).toEqual([0n]);
  });
});

describe('sharesOf a payable', () => {
  it('spreads what was issued, financed and settled over the invoices in the order listed', () => {
    const p = payable([['A', 60_00n], ['B', 40_00n]], { issuedFen: 70_00n, financedFen: 30_00n, settledFen: 70_00n });
    expect(sharesOf(p)).toEqual([
      { invoiceId: 'A', committed: 60_00n, used: 60_00n, financed: 30_00n, settled: 60_00n },
      { invoiceId: 'B', committed: 40_00n, used: 10_00n, financed: 0n, settled: 10_00n },
    ]);
  });

  it('takes nothing from the invoices of a payable the ledger refused', () => {
    expect(sharesOf(payable([['A', 10n]], { refused: true, issuedFen: 10n })).every((s) => s.committed === 0n && s.used === 0n)).toBe(true);
  });
});

describe('evolveUsage', () => {
  const view = (payables: PayableUsage[], roots: RootUsage[] = []) => ({
    payable: (id: string) => payables.find((p) => p.payableId === id),
    root: (id: string) => roots.find((r) => r.rootId === id),
  });

  it('counts an issue, a financed piece and a settlement on the payables behind the root', () => {
    const p1 = payable([['A', 100n]], { payableId: 'P1' });
    const p2 = payable([['B', 100n]], { payableId: 'P2' });
    const issued = evolveUsage(view([p1, p2]), { type: 'voucherIssued', rootId: 'R', backing: [{ payableId: 'P1', amountFen: 100n }, { payableId: 'P2', amountFen: 50n }], consumed: [{ payableId: 'P1', amountFen: 100n }, { payableId: 'P2', amountFen: 50n }] });
    expect(issued.payables.map((p) => [p.payableId, p.issuedFen])).toEqual([['P1', 100n], ['P2', 50n]]);
    const root = issued.roots[0]!;
    const financed = evolveUsage(view(issued.payables, [root]), { type: 'voucherFinanced', rootId: 'R', amountFen: 120n });
    // Filled in the root's backing order: P1 takes its 100, P2 the other 20.
    expect(financed.payables.map((p) => [p.payableId, p.financedFen])).toEqual([['P1', 100n], ['P2', 20n]]);
    expect(rootShares(financed.roots[0]!).get('P2')).toEqual({ financed: 20n, settled: 0n });
  });

  it('gives back what a cancelled root had taken, and ends the root', () => {
    const p = payable([['A', 100n]], { issuedFen: 80n });
    const root: RootUsage = { rootId: 'R', backing: [{ payableId: 'P1', amountFen: 80n }], live: true, financedFen: 0n, settledFen: 0n };
    const out = evolveUsage(view([p], [root]), { type: 'voucherReturned', rootId: 'R', voucherId: 'R', restored: [{ payableId: 'P1', amountFen: 80n }] });
    expect(out.payables[0]!.issuedFen).toBe(0n);
    expect(out.roots[0]!.live).toBe(false);
  });

  it('skips payables it does not know (not confirmed here)', () => {
    const out = evolveUsage(view([]), { type: 'voucherIssued', rootId: 'R', backing: [{ payableId: 'X', amountFen: 5n }], consumed: [{ payableId: 'X', amountFen: 5n }] });
    expect(out.payables).toEqual([]);
  });
});

// ---- The property -------------------------------------------------------------------------------

type Step =
  | { kind: 'confirm'; invoices: number[]; fractions: number[] }
  | { kind: 'issue'; payables: number[]; fractions: number[] }
  | { kind: 'finance'; root: number; fraction: number }
  | { kind: 'settle'; root: number; fraction: number }
  | { kind: 'cancel'; root: number }
  | { kind: 'refuse'; payable: number };

const fraction = fc.double({ min: 0, max: 2, noNaN: true });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('confirm' as const), invoices: fc.uniqueArray(fc.nat(5), { minLength: 1, maxLength: 3 }), fractions: fc.array(fraction, { minLength: 3, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('issue' as const), payables: fc.uniqueArray(fc.nat(7), { minLength: 1, maxLength: 3 }), fractions: fc.array(fraction, { minLength: 3, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('finance' as const), root: fc.nat(7), fraction }),
  fc.record({ kind: fc.constant('settle' as const), root: fc.nat(7), fraction }),
  fc.record({ kind: fc.constant('cancel' as const), root: fc.nat(7) }),
  fc.record({ kind: fc.constant('refuse' as const), payable: fc.nat(7) }),
);

/** The application's bookkeeping in memory: payables, roots and each invoice's running totals. */
class Model {
  readonly w = new World();
  readonly debtor = this.w.party(['core']);
  readonly creditor = this.w.party(['supplier']);
  readonly invoices: Invoice[];
  readonly usage = new Map<string, InvoiceShare>();
  readonly payables: PayableUsage[] = [];
  readonly roots: RootUsage[] = [];

  constructor(totals: string[]) {
    this.invoices = totals.map((total) => this.w.invoice(this.creditor, this.debtor, { amountExclTax: total, tax: '0.00', total }));
    for (const i of this.invoices) this.usage.set(i.invoiceId, { invoiceId: i.invoiceId, committed: 0n, used: 0n, financed: 0n, settled: 0n });
  }

  private apply(before: PayableUsage[], after: PayableUsage[]): void {
    for (const [id, d] of invoiceDeltas(before, after)) {
      const u = this.usage.get(id)!;
      this.usage.set(id, { invoiceId: id, committed: u.committed + d.committed, used: u.used + d.used, financed: u.financed + d.financed, settled: u.settled + d.settled });
    }
    for (const p of after) {
      const i = this.payables.findIndex((x) => x.payableId === p.payableId);
      if (i >= 0) this.payables[i] = p;
      else this.payables.push(p);
    }
  }

  private event(e: UsageEvent): void {
    const view = { payable: (id: string) => this.payables.find((p) => p.payableId === id), root: (id: string) => this.roots.find((r) => r.rootId === id) };
    const change = evolveUsage(view, e);
    const before = change.payables.map((p) => view.payable(p.payableId)!);
    this.apply(before, change.payables);
    for (const r of change.roots) {
      const i = this.roots.findIndex((x) => x.rootId === r.rootId);
      if (i >= 0) this.roots[i] = r;
      else this.roots.push(r);
    }
  }

  run(s: Step): void {
    const fen = (f: number, of: bigint) => BigInt(Math.floor(Number(of) * f));
    switch (s.kind) {
      case 'confirm': {
        const chosen = s.invoices.filter((i) => i < this.invoices.length).map((i) => this.invoices[i]!);
        const amounts = chosen.map((inv, k) => {
          const total = BigInt(inv.total.replace('.', ''));
          return fen(s.fractions[k]!, total) + 1n;
        });
        const command: PayableCommand = {
          type: 'payable.confirm', chain: 'c', actor: this.debtor, nonce: 'n', createdAt: '',
          payload: { payableId: `P${this.payables.length}`, payee: this.creditor, amount: fenText(amounts.reduce((a, b) => a + b, 0n)), dueDate: '2026-06-30', invoices: chosen.map((inv, k) => ({ invoiceId: inv.invoiceId, amount: fenText(amounts[k]!) })) },
        };
        const committed = (inv: Invoice) => fenText(this.usage.get(inv.invoiceId)!.committed);
        const r = decided(() => draftPayable(command, { today: this.w.today, party: (id) => this.w.parties.get(id), invoice: (ref) => { const inv = this.invoices.find((i) => i.invoiceId === ref.invoiceId); return inv && { ...inv, committed: committed(inv) }; } }));
        if (!r.ok) return; // refused (beyond a remainder): nothing changes
        const p: PayableUsage = { payableId: r.value.payableId, amountFen: BigInt(r.value.amount.replace('.', '')), refused: false, allocations: r.value.allocations.map((a) => ({ invoiceId: a.invoice.invoiceId, amountFen: BigInt(a.amount.replace('.', '')) })), issuedFen: 0n, financedFen: 0n, settledFen: 0n };
        this.apply([], [p]);
        return;
      }
      case 'issue': {
        const chosen = s.payables.filter((i) => i < this.payables.length).map((i) => this.payables[i]!);
        if (chosen.length === 0) return;
        const backing = chosen.map((p, k) => ({ payableId: p.payableId, amountFen: fen(s.fractions[k]!, p.amountFen) + 1n }));
        this.event({ type: 'voucherIssued', rootId: `R${this.roots.length}`, backing, consumed: backing });
        return;
      }
      case 'finance':
      case 'settle': {
        const root = this.roots[s.root];
        if (!root) return;
        const total = root.backing.reduce((a, b) => a + b.amountFen, 0n);
        this.event({ type: s.kind === 'finance' ? 'voucherFinanced' : 'voucherSettled', rootId: root.rootId, amountFen: fen(s.fraction, total) });
        return;
      }
      case 'cancel': {
        const root = this.roots[s.root];
        if (root) this.event({ type: 'voucherReturned', rootId: root.rootId, voucherId: root.rootId, restored: root.backing });
        return;
      }
      case 'refuse': {
        const p = this.payables[s.payable];
        if (p) this.event({ type: 'payableRefused', payableId: p.payableId });
      }
    }
  }
}

describe('usage (property)', () => {
  it('never exceeds any invoice total, never goes negative, and always equals the sum of the payables\' shares', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 6 }), fc.array(step, { minLength: 1, maxLength: 60 }), (totalsFen, steps) => {
        const m = new Model(totalsFen.map((f) => fenText(BigInt(f))));
        for (const s of steps) {
          m.run(s);
          for (const inv of m.invoices) {
            const u = m.usage.get(inv.invoiceId)!;
            const total = BigInt(inv.total.replace('.', ''));
            expect(u.committed).toBeLessThanOrEqual(total);
            expect(u.used).toBeLessThanOrEqual(u.committed);
            expect(u.financed).toBeLessThanOrEqual(u.used);
            expect(u.settled).toBeLessThanOrEqual(u.used);
            for (const v of [u.used, u.financed, u.settled]) expect(v).toBeGreaterThanOrEqual(0n);
            // The running totals (kept by deltas, as the store keeps them) equal a recount from scratch.
            const recount = m.payables.flatMap(sharesOf).filter((x) => x.invoiceId === inv.invoiceId);
            expect(u.used).toBe(recount.reduce((a, x) => a + x.used, 0n));
            expect(u.committed).toBe(recount.reduce((a, x) => a + x.committed, 0n));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
