/**
 * Funders' financing products and matching. A product says whom a funder finances (issuer
 * grades, optionally a list of issuers), what (amount and tenor ranges), at what price (annual
 * discount rate and a flat fee per financing) and how much per day (a daily limit over the
 * amounts financed or requested on it that day). Matching checks every active product against a
 * voucher, prices the eligible ones — ACT/360 discount interest plus fees, with @cascade/money —
 * ranks them by total cost to the holder, and says why each other product does not fit.
 */
import { Amount, discountInterest, parseAnnualRate } from '@cascade/money';
import { gradeNames, type Grade } from './scorecard.ts';
import { daysBetween } from './time.ts';

export interface ProductTerms {
  name: string;
  /** Issuer grades the funder finances. */
  eligibleGrades: Grade[];
  /** The issuers it finances, or null for any issuer of an eligible grade. */
  eligibleIssuers: string[] | null;
  amountMin: string;
  amountMax: string;
  tenorDaysMin: number;
  tenorDaysMax: number;
  annualRate: string;
  /** A flat fee per financing. */
  fees: string;
  /** The most it finances on this product per calendar day (Asia/Shanghai). */
  dailyLimit: string;
}

export interface Product extends ProductTerms {
  funder: string;
  productId: string;
  version: number;
  status: 'active' | 'withdrawn';
  publishedAt: string;
}

/** Refusals of a product's terms, checked in this order. */
export const productRejectionCodes = {
  amountRangeInverted: 'amountMin is above amountMax',
  tenorRangeInverted: 'tenorDaysMin is above tenorDaysMax',
  feesNotBelowAmountMin: 'the fee is not below the smallest amount financed, so a financing could pay the holder nothing',
  dailyLimitBelowAmountMin: 'the daily limit is below the smallest amount financed, so nothing could ever be financed',
  productNotFound: 'the caller has no product with this id',
} as const;
export type ProductRejectionCode = keyof typeof productRejectionCodes;

/** The first rule a product's terms break, or null. Amounts and rates are already well-formed (schema). */
export function checkProductTerms(t: ProductTerms): ProductRejectionCode | null {
  const amountMin = Amount.parse(t.amountMin);
  if (amountMin.gt(Amount.parse(t.amountMax))) return 'amountRangeInverted';
  if (t.tenorDaysMin > t.tenorDaysMax) return 'tenorRangeInverted';
  if (Amount.parse(t.fees).gte(amountMin)) return 'feesNotBelowAmountMin';
  if (Amount.parse(t.dailyLimit).lt(amountMin)) return 'dailyLimitBelowAmountMin';
  return null;
}

/** Why a product does not fit a voucher, in the order matching checks. */
export const ineligibilityCodes = {
  productWithdrawn: 'the funder has withdrawn the product',
  gradeNotEligible: "the issuer's grade is not one the product finances",
  issuerNotEligible: 'the product finances only the issuers it lists',
  amountBelowMinimum: 'the voucher is below the smallest amount the product finances',
  amountAboveMaximum: 'the voucher is above the largest amount the product finances',
  tenorBelowMinimum: 'the voucher matures sooner than the product allows',
  tenorAboveMaximum: 'the voucher matures later than the product allows',
  dailyLimitExceeded: "the product's daily limit would be passed",
  costNotBelowAmount: 'interest and fees would take the whole amount',
  rateAboveHolderMaximum: 'the rate is above the highest the holder accepts',
  feesAboveHolderMaximum: 'the fees are above the most the holder accepts',
} as const;
export type IneligibilityCode = keyof typeof ineligibilityCodes;

export interface Ineligibility {
  code: IneligibilityCode;
  text: string;
}

export interface VoucherToFinance {
  voucherId: string;
  issuer: string;
  amount: string;
  maturityDate: string;
}

export interface FinancingCost {
  annualRate: string;
  days: number;
  interest: string;
  fees: string;
  /** Interest plus fees: what the holder gives up. */
  total: string;
  /** What the holder receives: amount − total. */
  net: string;
}

/** The holder's cost of financing `amount` for `days` at `annualRate` with flat `fees`. */
export function financingCost(amount: string, annualRate: string, days: number, fees: string): FinancingCost {
  const a = Amount.parse(amount);
  const interest = discountInterest(a, annualRate, Math.max(0, days));
  const f = Amount.parse(fees);
  const total = interest.plus(f);
  return { annualRate, days, interest: interest.toString(), fees: f.toString(), total: total.toString(), net: total.gt(a) ? '0.00' : a.minus(total).toString() };
}

export interface HolderLimits {
  maxAnnualRate?: string;
  maxFees?: string;
}

/**
 * Every reason `product` does not fit the voucher (empty: it fits). `usedTodayFen` is what other
 * financings on the product already took today; `asOf` is today's date in Asia/Shanghai.
 */
export function ineligibilities(product: Product, voucher: VoucherToFinance, issuerGrade: Grade, asOf: string, usedTodayFen: bigint, holder: HolderLimits = {}): Ineligibility[] {
  const out: Ineligibility[] = [];
  const add = (code: IneligibilityCode, detail: string) => out.push({ code, text: `${ineligibilityCodes[code]}: ${detail}` });
  const amount = Amount.parse(voucher.amount);
  const tenor = daysBetween(asOf, voucher.maturityDate);
  if (product.status !== 'active') add('productWithdrawn', `${product.productId} is withdrawn`);
  if (!product.eligibleGrades.includes(issuerGrade)) add('gradeNotEligible', `the issuer is ${issuerGrade}; the product takes ${product.eligibleGrades.join(', ')}`);
  if (product.eligibleIssuers !== null && !product.eligibleIssuers.includes(voucher.issuer)) add('issuerNotEligible', `${voucher.issuer} is not among its ${product.eligibleIssuers.length} issuers`);
  if (amount.lt(Amount.parse(product.amountMin))) add('amountBelowMinimum', `${voucher.amount} < ${product.amountMin}`);
  if (amount.gt(Amount.parse(product.amountMax))) add('amountAboveMaximum', `${voucher.amount} > ${product.amountMax}`);
  if (tenor < product.tenorDaysMin) add('tenorBelowMinimum', `${tenor} days < ${product.tenorDaysMin}`);
  if (tenor > product.tenorDaysMax) add('tenorAboveMaximum', `${tenor} days > ${product.tenorDaysMax}`);
  const limitFen = Amount.parse(product.dailyLimit).toFen();
  if (usedTodayFen + amount.toFen() > limitFen) add('dailyLimitExceeded', `${Amount.fromFen(usedTodayFen)} used today + ${voucher.amount} > ${product.dailyLimit}`);
  const cost = financingCost(voucher.amount, product.annualRate, tenor, product.fees);
  if (Amount.parse(cost.total).gte(amount)) add('costNotBelowAmount', `interest ${cost.interest} + fees ${cost.fees} ≥ ${voucher.amount}`);
  if (holder.maxAnnualRate !== undefined && parseAnnualRate(product.annualRate).gt(parseAnnualRate(holder.maxAnnualRate))) add('rateAboveHolderMaximum', `${product.annualRate} > ${holder.maxAnnualRate}`);
  if (holder.maxFees !== undefined && Amount.parse(product.fees).gt(Amount.parse(holder.maxFees))) add('feesAboveHolderMaximum', `${product.fees} > ${holder.maxFees}`);
  return out;
}

export interface MatchedProduct {
  funder: string;
  productId: string;
  name: string;
  version: number;
  cost: FinancingCost;
}

export interface UnmatchedProduct {
  funder: string;
  productId: string;
  name: string;
  reasons: Ineligibility[];
}

export interface Matching {
  voucherId: string;
  asOf: string;
  issuerGrade: Grade;
  eligible: MatchedProduct[];
  ineligible: UnmatchedProduct[];
}

/** Ranks the products that fit by total cost to the holder (then funder and id, for a stable order). */
export function matchProducts(products: readonly Product[], voucher: VoucherToFinance, issuerGrade: Grade, asOf: string, usedTodayFen: (p: Product) => bigint, holder: HolderLimits = {}): Matching {
  const eligible: MatchedProduct[] = [];
  const ineligible: UnmatchedProduct[] = [];
  for (const p of products) {
    const reasons = ineligibilities(p, voucher, issuerGrade, asOf, usedTodayFen(p), holder);
    if (reasons.length > 0) ineligible.push({ funder: p.funder, productId: p.productId, name: p.name, reasons });
    else eligible.push({ funder: p.funder, productId: p.productId, name: p.name, version: p.version, cost: financingCost(voucher.amount, p.annualRate, daysBetween(asOf, voucher.maturityDate), p.fees) });
  }
  const byKey = (a: { funder: string; productId: string }, b: { funder: string; productId: string }) => (a.funder + '\u0000' + a.productId < b.funder + '\u0000' + b.productId ? -1 : 1);
  eligible.sort((a, b) => Amount.parse(a.cost.total).cmp(Amount.parse(b.cost.total)) || byKey(a, b));
  ineligible.sort(byKey);
  return { voucherId: voucher.voucherId, asOf, issuerGrade, eligible, ineligible };
}

export const allGrades: readonly Grade[] = gradeNames;
