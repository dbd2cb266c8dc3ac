/**
 * Funders' products: publishing a version, withdrawing, and matching a voucher to every active
 * product (domain/products.ts ranks them).
 */
import { Problem } from '@cascade/errors';
import { checkProductTerms, matchProducts, type HolderLimits, type Matching, type Product, type ProductTerms } from '../domain/products.ts';
import { shanghaiDate } from '../domain/time.ts';
import { productUsedOn, voucherById, type Db } from '../data-access/platform-view.ts';
import { activeProducts, productOf, saveProduct } from '../data-access/products.ts';
import { emit, type RiskContext } from './context.ts';
import { riskProblems } from './problems.ts';
import { scoreEnterprise } from './scoring.ts';

/**
 * Publishes `terms` as the next version of the funder's product.
 * Rejections, in order: amountRangeInverted, tenorRangeInverted, feesNotBelowAmountMin, dailyLimitBelowAmountMin.
 */
export async function publishProduct(db: Db, ctx: RiskContext, funder: string, productId: string, terms: ProductTerms): Promise<Product> {
  const refused = checkProductTerms(terms);
  if (refused) throw new Problem(riskProblems[refused], `product ${productId}: ${riskProblems[refused].title}`);
  const current = await productOf(db, funder, productId, true);
  const product: Product = { ...terms, eligibleIssuers: terms.eligibleIssuers ?? null, funder, productId, version: (current?.version ?? 0) + 1, status: 'active', publishedAt: ctx.now().toISOString() };
  await saveProduct(db, product);
  await emit(db, ctx, 'ProductPublished', funder, { funder, productId, version: product.version, ...terms, eligibleIssuers: product.eligibleIssuers, at: product.publishedAt });
  return product;
}

/** Rejections: productNotFound. Withdrawing a withdrawn product changes nothing. */
export async function withdrawProduct(db: Db, ctx: RiskContext, funder: string, productId: string): Promise<Product> {
  const current = await productOf(db, funder, productId, true);
  if (!current) throw new Problem(riskProblems.productNotFound, `${funder} has no product ${productId}`);
  if (current.status === 'withdrawn') return current;
  const product: Product = { ...current, version: current.version + 1, status: 'withdrawn', publishedAt: ctx.now().toISOString() };
  await saveProduct(db, product);
  await emit(db, ctx, 'ProductWithdrawn', funder, { funder, productId, version: product.version, at: product.publishedAt });
  return product;
}

/**
 * The products that fit a voucher, cheapest first, and why the others do not.
 * Rejections: voucherNotFound (absent or not the caller's), voucherNotFinanceable.
 */
export async function matchVoucher(db: Db, ctx: RiskContext, voucherId: string, caller: string, seesAll: boolean, limits: HolderLimits): Promise<Matching> {
  const voucher = await voucherById(db, voucherId);
  if (!voucher || (!seesAll && voucher.holder !== caller)) throw new Problem(riskProblems.voucherNotFound, `no voucher ${voucherId} held by ${caller}`);
  if (voucher.status !== 'active') throw new Problem(riskProblems.voucherNotFinanceable, `voucher ${voucherId} is ${voucher.status}`);
  const asOf = shanghaiDate(ctx.now());
  const { result } = await scoreEnterprise(db, ctx.card, voucher.issuer, asOf);
  const products = await activeProducts(db);
  const used = new Map<string, bigint>();
  for (const p of products) used.set(`${p.funder}\u0000${p.productId}`, await productUsedOn(db, p.funder, p.productId, asOf, voucherId));
  return matchProducts(products, voucher, result.grade, asOf, (p) => used.get(`${p.funder}\u0000${p.productId}`) ?? 0n, limits);
}
