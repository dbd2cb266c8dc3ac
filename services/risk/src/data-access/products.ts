/** Products: the current version of each (funder, product id), and every version published. */
import type { Product, ProductTerms } from '../domain/products.ts';
import type { Db } from './platform-view.ts';

type Row = { funder: string; product_id: string; version: number; status: 'active' | 'withdrawn'; terms: ProductTerms; published_at: Date };

const toProduct = (r: Row): Product => ({ ...r.terms, funder: r.funder, productId: r.product_id, version: r.version, status: r.status, publishedAt: r.published_at.toISOString() });

/** Products matching considers at most. */
export const productsMatchedMax = 1_000;

export async function productOf(db: Db, funder: string, productId: string, forUpdate = false): Promise<Product | null> {
  const { rows } = await db.query<Row>(`SELECT * FROM products WHERE funder = $1 AND product_id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [funder, productId]);
  return rows[0] ? toProduct(rows[0]) : null;
}

export async function saveProduct(db: Db, p: Product): Promise<void> {
  const terms: ProductTerms = {
    name: p.name, eligibleGrades: p.eligibleGrades, eligibleIssuers: p.eligibleIssuers, amountMin: p.amountMin, amountMax: p.amountMax,
    tenorDaysMin: p.tenorDaysMin, tenorDaysMax: p.tenorDaysMax, annualRate: p.annualRate, fees: p.fees, dailyLimit: p.dailyLimit,
  };
  await db.query(
    `INSERT INTO products (funder, product_id, version, status, terms, published_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (funder, product_id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status, terms = EXCLUDED.terms, published_at = EXCLUDED.published_at`,
    [p.funder, p.productId, p.version, p.status, JSON.stringify(terms), p.publishedAt],
  );
  await db.query(`INSERT INTO product_versions (funder, product_id, version, status, terms, at) VALUES ($1, $2, $3, $4, $5, $6)`, [p.funder, p.productId, p.version, p.status, JSON.stringify(terms), p.publishedAt]);
}

export async function productsOf(db: Db, funder: string | null, limit: number, after: { funder: string; productId: string } | null): Promise<Product[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM products WHERE ($1::text IS NULL OR funder = $1) AND ($2::text IS NULL OR (funder, product_id) > ($2, $3)) ORDER BY funder, product_id LIMIT $4`,
    [funder, after?.funder ?? null, after?.productId ?? null, limit],
  );
  return rows.map(toProduct);
}

export async function activeProducts(db: Db): Promise<Product[]> {
  const { rows } = await db.query<Row>(`SELECT * FROM products WHERE status = 'active' ORDER BY funder, product_id LIMIT $1`, [productsMatchedMax]);
  return rows.map(toProduct);
}

/**
 * A funder's product and what it already took on a day (financed that day, or requested that day
 * and still open, other than `exceptVoucherId`), in one round trip.
 */
export async function productWithUse(db: Db, funder: string, productId: string, day: string, exceptVoucherId: string): Promise<{ product: Product | null; usedFen: bigint }> {
  const { rows } = await db.query<Row & { used_fen: string; found: boolean }>(
    `SELECT p.*, p.funder IS NOT NULL AS found, u.used_fen FROM
       (SELECT coalesce(sum(amount_fen), 0) AS used_fen FROM vouchers
        WHERE voucher_id <> $4 AND (
          (financed_funder = $1 AND financed_product = $2 AND financed_on = $3::date)
          OR (status = 'pending_financing' AND request_funder = $1 AND request_product = $2 AND (requested_at AT TIME ZONE 'Asia/Shanghai')::date = $3::date))) u
     LEFT JOIN products p ON p.funder = $1 AND p.product_id = $2`,
    [funder, productId, day, exceptVoucherId],
  );
  const r = rows[0]!;
  return { product: r.found ? toProduct(r) : null, usedFen: BigInt(r.used_fen) };
}
