import { describe, expect, it } from 'vitest';
import { assess, assessmentPolicyDefaults, type AssessmentInputs } from './assessment.ts';
import type { Product } from './products.ts';
import { defaultGradeBands, scorecardFormat, type Scorecard } from './scorecard.ts';

/** One feature: grade A issuers score 660 (PD ≈ 0.25 %, grade A), grade D ones 540 (PD ≈ 13.5 %, CCC). */
const card: Scorecard = {
  format: scorecardFormat,
  version: 'test-card',
  description: 'test',
  scaling: { baseScore: 600, baseOdds: 50, pdo: 20 },
  basePoints: 600,
  grades: [...defaultGradeBands],
  features: [{ name: 'taxCreditGrade', kind: 'categorical', bins: [{ categories: ['A'], woe: 1, points: 60 }, { categories: ['D'], woe: -1, points: -60 }, { other: true, woe: 0, points: 0 }, { missing: true, woe: 0, points: 0 }] }],
};

const product: Product = {
  funder: 'BANK', productId: 'P1', version: 1, status: 'active', publishedAt: '2026-03-01T00:00:00.000Z', name: 'p',
  eligibleGrades: ['AAA', 'AA', 'A', 'BBB'], eligibleIssuers: null, amountMin: '1000.00', amountMax: '1000000.00',
  tenorDaysMin: 10, tenorDaysMax: 200, annualRate: '0.0365', fees: '100.00', dailyLimit: '2000000.00',
};

function inputs(over: Partial<AssessmentInputs> = {}): AssessmentInputs {
  return {
    request: { voucherId: 'v1', rootId: 'r1', holder: 'SUP2', funder: 'BANK', productId: 'P1', maxAnnualRate: '0.05', maxFees: '500.00', amount: '300000.00', at: '2026-03-02T02:00:00.000Z' },
    voucher: { status: 'pending_financing', issuer: 'CORE', maturityDate: '2026-06-30', tier: 2, path: [{ from: 'CORE', to: 'SUP1', at: '2026-02-01T02:00:00.000Z' }, { from: 'SUP1', to: 'SUP2', at: '2026-02-15T02:00:00.000Z' }] },
    issuer: { partyId: 'CORE', features: { taxCreditGrade: 'A' }, overdueRoots: 0, overdueOutstanding: '0.00' },
    product,
    productUsedToday: '0.00',
    payables: [{ payableId: 'PAY1', fourFlowScore: 90, voidedInvoices: [] }],
    transferEdges: [{ from: 'SUP2', to: 'SUP3', at: '2026-02-20T00:00:00.000Z', voucherId: 'x' }],
    transferEdgesTruncated: false,
    identities: [
      { partyId: 'SUP2', legalRepresentative: 'Wang Fang', address: '1 Road, Suzhou' },
      { partyId: 'CORE', legalRepresentative: 'Li Wei', address: '9 Avenue, Shanghai' },
      { partyId: 'BANK', legalRepresentative: null, address: null },
      { partyId: 'SUP1', legalRepresentative: 'Zhao Min', address: '5 Lane, Wuxi' },
    ],
    exposure: { issuerFinanced: '1000000.00', funderOnIssuer: '100000.00', funderBook: '5000000.00' },
    policy: assessmentPolicyDefaults,
    ...over,
  };
}

const codes = (over: Partial<AssessmentInputs>) => {
  const r = assess(inputs(over), card);
  return { decision: r.decision, hard: r.hardRules, soft: r.softSignals };
};

describe('assess: a clean request', () => {
  it('is approved with the issuer score, grade, PD and the cost of the named product', () => {
    const r = assess(inputs(), card);
    expect(r).toMatchObject({ decision: 'approve', score: 660, grade: 'A', scorecardVersion: 'test-card', hardRules: [], softSignals: [] });
    // 1 / (1 + 50 · 2³) = 1/401
    expect(r.pd).toBeCloseTo(1 / 401, 6);
    // 2026-03-02 → 2026-06-30 = 120 days: 300000 × 0.0365 × 120/360 = 3650.00, + 100.00 fees
    expect(r.terms).toEqual({ productId: 'P1', annualRate: '0.0365', days: 120, interest: '3650.00', fees: '100.00', total: '3750.00', net: '296250.00' });
  });
  it('re-running the same inputs gives the same result', () => {
    expect(assess(JSON.parse(JSON.stringify(inputs())) as AssessmentInputs, card)).toEqual(assess(inputs(), card));
  });
});

describe('assess: the financing registry', () => {
  it('a clean search, or none read (older inputs), changes nothing; a search not answered is noted, not held against the request', () => {
    expect(codes({ registry: { searched: true, activeRegistrations: [] } })).toEqual({ decision: 'approve', hard: [], soft: [] });
    expect(codes({})).toEqual({ decision: 'approve', hard: [], soft: [] });
    const pending = assess(inputs({ registry: { searched: false, activeRegistrations: [] } }), card);
    expect(pending.decision).toBe('approve');
    expect(pending.reasons.some((r) => r.kind === 'note' && r.text.includes('registry'))).toBe(true);
    const hit = assess(inputs({ registry: { searched: true, activeRegistrations: ['R-1', 'R-2'] } }), card);
    expect(hit.reasons.find((r) => r.code === 'registryHit')?.text).toContain('R-1, R-2');
  });
});

describe('assess: hard rules reject', () => {
  it.each([
    ['a frozen voucher', { voucher: { ...inputs().voucher!, status: 'frozen' } }, 'voucherFrozen'],
    ['an overdue issuer', { issuer: { ...inputs().issuer, overdueRoots: 1, overdueOutstanding: '50.00' } }, 'issuerOverdue'],
    ['a voided invoice behind it', { payables: [{ payableId: 'PAY1', fourFlowScore: 90, voidedInvoices: ['INV-9'] }] }, 'backingInvoiceVoid'],
    ['maturity in 5 days', { voucher: { ...inputs().voucher!, maturityDate: '2026-03-07' } }, 'maturityTooClose'],
    ['an unknown product', { product: null }, 'productUnknown'],
    ["another funder's product", { product: { ...product, funder: 'OTHER' } }, 'productUnknown'],
    ['an issuer grade the product does not take', { issuer: { ...inputs().issuer, features: { taxCreditGrade: 'D' } } }, 'productIneligible'],
    ['a product rate above the holder’s maximum', { request: { ...inputs().request, maxAnnualRate: '0.03' } }, 'productTermsBeyondRequest'],
    ['the daily limit passed', { productUsedToday: '1800000.00' }, 'productDailyLimitExceeded'],
    ['a registration in force at the financing registry', { registry: { searched: true, activeRegistrations: ['06543210000123456789'] } }, 'registryHit'],
  ] as const)('%s → %s', (_name, over, code) => {
    const r = codes(over as Partial<AssessmentInputs>);
    expect(r.decision).toBe('reject');
    expect(r.hard).toContain(code);
  });
});

describe('assess: soft signals send to review', () => {
  it.each([
    ['a weak four-flow score', { payables: [{ payableId: 'PAY1', fourFlowScore: 40, voidedInvoices: [] }] }, 'fourFlowLow'],
    ['a cycle back to the holder', { transferEdges: [{ from: 'SUP2', to: 'SUP3', at: '2026-02-20T00:00:00.000Z', voucherId: 'a' }, { from: 'SUP3', to: 'SUP2', at: '2026-02-25T00:00:00.000Z', voucherId: 'b' }] }, 'transferCycle'],
    ['a holder sharing its legal representative with the issuer', { identities: [{ partyId: 'SUP2', legalRepresentative: ' li  WEI ', address: null }, { partyId: 'CORE', legalRepresentative: 'Li Wei', address: null }] }, 'relatedParties'],
    ['four hands in three days', { voucher: { ...inputs().voucher!, path: ['A', 'B', 'C', 'D'].map((p, i) => ({ from: p, to: 'x' + i, at: `2026-03-0${1 + (i % 2)}T00:00:00.000Z` })) } }, 'transferVelocity'],
    ["a funder's book mostly on this issuer", { exposure: { issuerFinanced: '1000000.00', funderOnIssuer: '900000.00', funderBook: '1200000.00' } }, 'funderConcentration'],
    ['platform exposure to the issuer past its limit', { exposure: { issuerFinanced: '99900000.00', funderOnIssuer: '0.00', funderBook: '5000000.00' } }, 'issuerExposureHigh'],
    ['a voucher the service never saw issued', { voucher: null }, 'voucherNotSeen'],
  ] as const)('%s → %s', (_name, over, code) => {
    const r = codes(over as Partial<AssessmentInputs>);
    expect(r.decision).toBe('review');
    expect(r.soft).toContain(code);
    expect(r.hard).toEqual([]);
  });
  it('a PD above the approval maximum is reviewed even with nothing else wrong', () => {
    const r = assess(inputs({ issuer: { ...inputs().issuer, features: { taxCreditGrade: 'D' } }, product: { ...product, eligibleGrades: ['CCC'] } }), card);
    expect(r).toMatchObject({ decision: 'review', softSignals: ['pdAboveApproveMax'], grade: 'CCC' });
  });
  it('an unknown four-flow score is a note, not a signal', () => {
    const r = assess(inputs({ payables: [{ payableId: 'PAY1', fourFlowScore: null, voidedInvoices: [] }] }), card);
    expect(r.decision).toBe('approve');
    expect(r.reasons.some((x) => x.kind === 'note' && /four-flow score not known/.test(x.text))).toBe(true);
  });
  it('hops older than the velocity window and transfers outside the cycle window do not count', () => {
    const old = inputs({
      voucher: { ...inputs().voucher!, path: ['A', 'B', 'C', 'D'].map((p, i) => ({ from: p, to: 'x' + i, at: `2026-01-0${1 + i}T00:00:00.000Z` })) },
      transferEdges: [{ from: 'SUP2', to: 'SUP3', at: '2025-10-01T00:00:00.000Z', voucherId: 'a' }, { from: 'SUP3', to: 'SUP2', at: '2025-10-02T00:00:00.000Z', voucherId: 'b' }],
    });
    expect(assess(old, card).decision).toBe('approve');
  });
});
