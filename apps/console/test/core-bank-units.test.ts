/** The core enterprise's and the bank's pages' pure parts: sums on cents, maturity buckets, exposure per issuer, the settle check, reasons and alerts in Chinese. */
import { describe, expect, it } from 'vitest';
import type { VoucherView } from '@cascade/sdk/client';
import { bucketOf, percentOf, treesOf } from '../src/dashboard/core.tsx';
import { settleable } from '../src/dashboard/settle.tsx';
import { alertText } from '../src/financing/alerts.tsx';
import { reasonLine } from '../src/financing/assessment.tsx';
import { exposureByIssuer } from '../src/financing/exposure.tsx';
import { daysBetween, todayShanghai } from '../src/shared/dates.ts';
import { sumAmounts } from '../src/shared/money.ts';

const voucher = (over: Partial<VoucherView>): VoucherView => ({
  voucherId: 'v', rootId: 'r', parentId: null, issuer: 'CORE', holder: 'S', sender: null, amount: '100.00', issueDate: '2026-01-01', maturityDate: '2026-06-30', tier: 0, backing: [], creditLineFunder: null,
  status: 'active', statusBeforeFreeze: null, frozenBy: null, freezeOrder: null, acceptanceDeadline: null, financingRequest: null, financing: null, outstanding: '100.00', returnOf: null, paymentReferences: [], createdAt: '2026-01-01T00:00:00Z', ...over,
});

describe('sums and dates', () => {
  it('sums amounts on cents, exactly beyond a double', () => {
    expect(sumAmounts(['9007199254740993.99', '0.01'])).toBe('9007199254740994.00');
    expect(sumAmounts(['0.10', '0.20'])).toBe('0.30');
    expect(sumAmounts([])).toBe('0.00');
  });
  it('counts calendar days and takes today in Asia/Shanghai', () => {
    expect(daysBetween('2026-12-31', '2027-01-30')).toBe(30);
    expect(daysBetween('2027-01-30', '2026-12-31')).toBe(-30);
    expect(todayShanghai(Date.parse('2026-12-04T16:00:00Z'))).toBe('2026-12-05');
    expect(todayShanghai(Date.parse('2026-12-04T15:59:59Z'))).toBe('2026-12-04');
  });
});

describe('the core enterprise overview', () => {
  it('buckets by days to maturity, at the edges', () => {
    const today = '2026-01-01';
    expect(bucketOf('2025-12-31', today)).toBe('past');
    expect(bucketOf('2026-01-01', today)).toBe('d30');
    expect(bucketOf('2026-01-31', today)).toBe('d30');
    expect(bucketOf('2026-02-01', today)).toBe('d90');
    expect(bucketOf('2026-04-01', today)).toBe('d90');
    expect(bucketOf('2026-04-02', today)).toBe('d180');
    expect(bucketOf('2026-06-30', today)).toBe('d180');
    expect(bucketOf('2026-07-01', today)).toBe('later');
  });
  it("sums a tree's open vouchers, not a split parent's or settled pieces", () => {
    const trees = treesOf([
      voucher({ voucherId: 'r', status: 'consumed', amount: '1000.00', outstanding: '1000.00' }),
      voucher({ voucherId: 'a', parentId: 'r', status: 'active', outstanding: '600.01' }),
      voucher({ voucherId: 'b', parentId: 'r', status: 'overdue', outstanding: '399.98' }),
      voucher({ voucherId: 'c', parentId: 'r', status: 'settled', outstanding: '0.00' }),
      voucher({ voucherId: 'x', rootId: 'x', maturityDate: '2026-03-01', outstanding: '5.00' }),
    ]);
    expect(trees.map((t) => [t.rootId, t.outstanding, t.open])).toEqual([['x', '5.00', 1], ['r', '999.99', 2]]);
  });
  it('gives a share in tenths of a percent from cents, bounded', () => {
    expect(percentOf('400000.00', '1000000.00')).toBe(40);
    expect(percentOf('1.00', '3.00')).toBe(33.3);
    expect(percentOf('5.00', '0.00')).toBe(0);
    expect(percentOf('12.00', '10.00')).toBe(100);
  });
  it('offers to settle a root at or past maturity that is accepted and not frozen or done', () => {
    expect(settleable(voucher({ maturityDate: '2026-06-30' }), '2026-06-29')).toBe(false);
    expect(settleable(voucher({ maturityDate: '2026-06-30' }), '2026-06-30')).toBe(true);
    expect(settleable(voucher({ status: 'consumed' }), '2026-07-01')).toBe(true);
    for (const status of ['pending_acceptance', 'frozen', 'settled'] as const) expect(settleable(voucher({ status }), '2026-07-01')).toBe(false);
    expect(settleable(voucher({ parentId: 'r' }), '2026-07-01')).toBe(false);
  });
});

describe('the bank view', () => {
  it('sums what it financed per issuer, held and still owed', () => {
    const financing = { annualRate: '0.0365', days: 90, interest: '9.00', fees: '1.00', net: '90.00', financedOn: '2026-01-01' } as unknown as VoucherView['financing'];
    const rows = exposureByIssuer(
      [
        voucher({ voucherId: '1', holder: 'BANK', status: 'financed', financing, outstanding: '100.00' }),
        voucher({ voucherId: '2', holder: 'BANK', status: 'overdue', financing, outstanding: '50.01' }),
        voucher({ voucherId: '3', holder: 'BANK', status: 'settled', financing, outstanding: '0.00' }),
        voucher({ voucherId: '4', holder: 'BANK', issuer: 'OTHER', status: 'financed', financing, outstanding: '100.00' }),
        voucher({ voucherId: '5', holder: 'BANK', status: 'active', outstanding: '7.00' }), // held, not financed
      ],
      'BANK',
      [{ issuer: 'CORE', limit: '1000.00', used: '150.01' }],
    );
    expect(rows).toEqual([
      { issuer: 'CORE', vouchers: 2, outstanding: '150.01', amount: '200.00', net: '180.00', creditLine: { limit: '1000.00', used: '150.01' } },
      { issuer: 'OTHER', vouchers: 1, outstanding: '100.00', amount: '100.00', net: '90.00', creditLine: null },
    ]);
  });
  it("names a reason in the page's language, with the service's detail", () => {
    const reason = { code: 'pdAboveApproveMax', kind: 'softSignal', text: "the issuer's probability of default is above what is approved without review: PD 0.68 > 0.05" };
    expect(reasonLine(reason, 'zh')).toBe('预警信号 · 开立方违约概率高于免复核上限（pdAboveApproveMax）: PD 0.68 > 0.05');
    expect(reasonLine(reason, 'en')).toBe("Signal · the issuer's probability of default is above what is approved without review (pdAboveApproveMax): PD 0.68 > 0.05");
    expect(reasonLine({ code: 'score', kind: 'score', text: 'issuer X: score 465' }, 'zh')).toBe('评分: issuer X: score 465');
  });
  it('writes an alert in Chinese from its facts, and keeps the service text otherwise', () => {
    const alert = { rule: 'newLitigation', text: 'case C filed …', facts: { caseId: 'C-1', filedOn: '2026-12-02', amount: '2500000.00', status: 'open' } };
    expect(alertText(alert, 'zh')).toBe('案件 C-1（2026-12-02 立案）将其列为被告，涉案金额 2,500,000.00 元');
    expect(alertText(alert, 'en')).toBe('case C-1 filed 2026-12-02 names it as defendant, 2,500,000.00 at stake');
    expect(alertText({ ...alert, facts: { caseId: 'C-1' } }, 'zh')).toBe('case C filed …'); // a fact missing: the service's text
    expect(alertText({ rule: 'somethingNew', text: 'as the service says', facts: {} }, 'zh')).toBe('as the service says');
  });
});
