/** What a tax provider's record makes of a registered invoice, and which record wins. */
import { describe, expect, it } from 'vitest';
import { supersedes, verificationOf, type TaxRecord } from './verification.ts';
import { World } from './test-support.ts';

function scene() {
  const w = new World();
  const core = w.party(['core']);
  const supplier = w.party(['supplier']);
  const invoice = w.invoice(supplier, core, {}, 'unverified');
  const record = (over: Partial<TaxRecord> = {}): TaxRecord => ({
    invoiceKey: invoice.invoiceKey,
    status: 'normal',
    sellerUscc: supplier,
    buyerUscc: core,
    amountExclTax: invoice.amountExclTax,
    tax: invoice.tax,
    total: invoice.total,
    issuedOn: invoice.issuedOn,
    checkedAt: '2026-03-01T00:00:00Z',
    ...over,
  });
  return { invoice, record, core };
}

describe('verificationOf', () => {
  it('verifies an invoice whose data the tax authority confirms', () => {
    const s = scene();
    expect(verificationOf(s.invoice, s.record())).toEqual({ status: 'verified', details: [] });
  });

  it('reports each field the tax authority has differently as a mismatch', () => {
    const s = scene();
    const r = verificationOf(s.invoice, s.record({ total: '999.00', buyerUscc: '91310000000000001X' }));
    expect(r.status).toBe('mismatch');
    expect(r.details).toEqual([`buyer: registered ${s.core}, the tax authority has 91310000000000001X`, 'total: registered 1000.00, the tax authority has 999.00']);
  });

  it.each([
    ['void', 'void'],
    ['reversed', 'reversed'],
    ['notFound', 'mismatch'],
  ] as const)('maps a provider status %s to %s', (status, ours) => {
    const s = scene();
    expect(verificationOf(s.invoice, s.record({ status })).status).toBe(ours);
  });
});

describe('supersedes', () => {
  it('lets only a strictly later check replace the one applied', () => {
    const s = scene();
    expect(supersedes(s.record(), undefined)).toBe(true);
    expect(supersedes(s.record({ checkedAt: '2026-03-02T00:00:00Z' }), { checkedAt: '2026-03-01T00:00:00Z' })).toBe(true);
    expect(supersedes(s.record(), { checkedAt: '2026-03-01T00:00:00.000Z' })).toBe(false);
    expect(supersedes(s.record(), { checkedAt: '2026-03-02T00:00:00Z' })).toBe(false);
  });
});
