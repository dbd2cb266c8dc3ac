/**
 * The service's view of the platform, kept from the ledger's events: parties, credit lines,
 * trees, vouchers, the transfer graph, financing outcomes, payables and voided invoices — and
 * the reads the scoring and the assessment make of it. Amounts are bigint fen in the tables and
 * two-decimal strings outside.
 */
import { Amount } from '@cascade/money';
import type { PoolClient } from '@cascade/db';
import { cycleHopsMax, type TransferEdge } from '../domain/cycles.ts';
import type { PlatformBehaviour } from '../domain/features.ts';

export type Db = Pick<PoolClient, 'query'>;

const fen = (amount: string): string => Amount.parse(amount).toFen().toString();
const amountOf = (fenText: string | null | undefined): string => Amount.fromFen(BigInt(fenText ?? '0')).toString();

/** The ledger's voucher record, as VoucherIssued and VoucherTransferred carry it. */
export interface LedgerVoucher {
  voucherId: string;
  rootId: string;
  parentId: string | null;
  issuer: string;
  holder: string;
  sender: string;
  amount: string;
  maturityDate: string;
  tier: number;
  status: string;
  outstanding: string;
  createdAt: string;
  backing: { payableId: string; amount: string }[];
}

export async function upsertParty(db: Db, p: { partyId: string; uscc: string | null; name: string; roles: string[]; at: string }): Promise<void> {
  await db.query(
    `INSERT INTO parties (party_id, uscc, name, roles, registered_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (party_id) DO UPDATE SET uscc = EXCLUDED.uscc, name = EXCLUDED.name, roles = EXCLUDED.roles`,
    [p.partyId, p.uscc, p.name, p.roles, p.at],
  );
}

export async function partyRoles(db: Db, partyId: string): Promise<string[] | null> {
  const { rows } = await db.query<{ roles: string[] }>('SELECT roles FROM parties WHERE party_id = $1', [partyId]);
  return rows[0]?.roles ?? null;
}

export async function upsertCreditLine(db: Db, l: { funder: string; issuer: string; limit: string }): Promise<void> {
  await db.query(
    `INSERT INTO credit_lines (funder, issuer, limit_fen) VALUES ($1, $2, $3)
     ON CONFLICT (funder, issuer) DO UPDATE SET limit_fen = EXCLUDED.limit_fen`,
    [l.funder, l.issuer, fen(l.limit)],
  );
}

export async function insertVoucher(db: Db, v: LedgerVoucher): Promise<void> {
  await db.query(
    `INSERT INTO vouchers (voucher_id, root_id, parent_id, issuer, recipient, holder, sender, amount_fen, outstanding_fen, maturity_date, tier, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (voucher_id) DO NOTHING`,
    [v.voucherId, v.rootId, v.parentId, v.issuer, v.holder, v.sender, fen(v.amount), fen(v.outstanding), v.maturityDate, v.tier, v.status, v.createdAt],
  );
}

export async function insertTree(db: Db, root: LedgerVoucher): Promise<void> {
  await db.query(
    `INSERT INTO trees (root_id, issuer, amount_fen, maturity_date, issued_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (root_id) DO NOTHING`,
    [root.rootId, root.issuer, fen(root.amount), root.maturityDate, root.createdAt],
  );
  for (const b of root.backing) {
    await db.query('INSERT INTO tree_backing (root_id, payable_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [root.rootId, b.payableId]);
  }
}

export async function setStatus(db: Db, voucherIds: string[], status: string): Promise<void> {
  if (voucherIds.length === 0) return;
  await db.query('UPDATE vouchers SET status = $2 WHERE voucher_id = ANY($1::uuid[])', [voucherIds, status]);
}

/** An accepted offer: the voucher is active and, when it moved between parties, an edge of the graph. */
export async function acceptVoucher(db: Db, voucherId: string, at: string): Promise<void> {
  const { rows } = await db.query<{ sender: string; recipient: string; issuer: string; amount_fen: string }>(
    `UPDATE vouchers SET status = 'active', accepted_at = $2 WHERE voucher_id = $1 RETURNING sender, recipient, issuer, amount_fen`,
    [voucherId, at],
  );
  const v = rows[0];
  if (v && v.sender !== v.recipient) {
    await db.query(
      `INSERT INTO transfers (voucher_id, sender, recipient, issuer, amount_fen, accepted_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [voucherId, v.sender, v.recipient, v.issuer, v.amount_fen, at],
    );
  }
}

/** An offer that ended without acceptance; a transfer child's value comes back as a new voucher. */
export async function returnOffer(db: Db, o: { voucherId: string; owner: string; returnVoucherId: string | null; at: string }, status: string): Promise<void> {
  await setStatus(db, [o.voucherId], status);
  if (o.returnVoucherId === null) return;
  await db.query(
    `INSERT INTO vouchers (voucher_id, root_id, parent_id, issuer, recipient, holder, sender, amount_fen, outstanding_fen, maturity_date, tier, status, created_at, accepted_at)
     SELECT $2, root_id, parent_id, issuer, $3, $3, $3, amount_fen, outstanding_fen, maturity_date, tier, 'active', $4, NULL FROM vouchers WHERE voucher_id = $1
     ON CONFLICT (voucher_id) DO NOTHING`,
    [o.voucherId, o.returnVoucherId, o.owner, o.at],
  );
}

export async function requestFinancing(db: Db, r: { voucherId: string; funder: string; productId: string; at: string }): Promise<void> {
  await db.query(
    `UPDATE vouchers SET status = 'pending_financing', request_funder = $2, request_product = $3, requested_at = $4 WHERE voucher_id = $1`,
    [r.voucherId, r.funder, r.productId, r.at],
  );
}

export async function endFinancingRequest(db: Db, r: { voucherId: string; holder: string; funder: string; at: string }, outcome: 'rejected' | 'withdrawn'): Promise<void> {
  await db.query(`UPDATE vouchers SET status = 'active', request_funder = NULL, request_product = NULL, requested_at = NULL WHERE voucher_id = $1`, [r.voucherId]);
  await db.query('INSERT INTO financing_outcomes (voucher_id, holder, funder, outcome, at) VALUES ($1, $2, $3, $4, $5)', [r.voucherId, r.holder, r.funder, outcome, r.at]);
}

export async function financeVoucher(db: Db, f: { voucherId: string; funder: string; seller: string; productId: string; financedOn: string }): Promise<{ issuer: string } | null> {
  const { rows } = await db.query<{ issuer: string }>(
    `UPDATE vouchers SET status = 'financed', holder = $2, financed_funder = $2, financed_seller = $3, financed_product = $4, financed_on = $5,
       request_funder = NULL, request_product = NULL, requested_at = NULL
     WHERE voucher_id = $1 RETURNING issuer`,
    [f.voucherId, f.funder, f.seller, f.productId, f.financedOn],
  );
  return rows[0] ?? null;
}

export async function settleLeaves(db: Db, payouts: { voucherId: string; outstandingAfter: string; statusAfter: string }[]): Promise<void> {
  for (const p of payouts) {
    await db.query('UPDATE vouchers SET outstanding_fen = $2, status = $3 WHERE voucher_id = $1', [p.voucherId, fen(p.outstandingAfter), p.statusAfter]);
  }
}

export async function markOverdue(db: Db, leaves: { voucherId: string; outstanding: string }[]): Promise<void> {
  for (const l of leaves) await db.query(`UPDATE vouchers SET outstanding_fen = $2, status = 'overdue' WHERE voucher_id = $1`, [l.voucherId, fen(l.outstanding)]);
}

/** Recomputes a tree's overdue figures from its leaves, and its settlement when it is all paid. */
export async function refreshTree(db: Db, rootId: string, at: string | null): Promise<{ issuer: string; overdueOutstanding: string; overdueLeaves: number } | null> {
  const { rows } = await db.query<{ issuer: string; overdue_fen: string; overdue_leaves: string; unpaid: string; maturity_date: string }>(
    `UPDATE trees t SET
       overdue_outstanding_fen = s.overdue_fen,
       went_overdue = t.went_overdue OR s.overdue_fen > 0,
       settled_at = CASE WHEN s.unpaid = 0 AND $2::timestamptz IS NOT NULL THEN $2::timestamptz ELSE t.settled_at END,
       paid_on_time = CASE WHEN s.unpaid = 0 AND $2::timestamptz IS NOT NULL THEN (NOT t.went_overdue AND s.overdue_fen = 0 AND (($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date <= t.maturity_date)) ELSE t.paid_on_time END
     FROM (
       SELECT coalesce(sum(outstanding_fen) FILTER (WHERE status = 'overdue'), 0) AS overdue_fen,
              count(*) FILTER (WHERE status = 'overdue') AS overdue_leaves,
              count(*) FILTER (WHERE status NOT IN ('settled', 'consumed', 'rejected', 'revoked', 'cancelled')) AS unpaid
       FROM vouchers WHERE root_id = $1
     ) s
     WHERE t.root_id = $1
     RETURNING t.issuer, s.overdue_fen, s.overdue_leaves, s.unpaid, t.maturity_date::text`,
    [rootId, at],
  );
  const r = rows[0];
  return r ? { issuer: r.issuer, overdueOutstanding: amountOf(r.overdue_fen), overdueLeaves: Number(r.overdue_leaves) } : null;
}

export async function recordPayable(db: Db, p: { payableId: string; debtor: string; creditor: string; amount: string; invoices: string[] }): Promise<void> {
  await db.query(
    `INSERT INTO payables (payable_id, debtor, creditor, amount_fen, invoices) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (payable_id) DO UPDATE SET debtor = EXCLUDED.debtor, creditor = EXCLUDED.creditor, amount_fen = EXCLUDED.amount_fen,
       invoices = CASE WHEN cardinality(payables.invoices) = 0 THEN EXCLUDED.invoices ELSE payables.invoices END`,
    [p.payableId, p.debtor, p.creditor, fen(p.amount), p.invoices],
  );
}

export async function recordFourFlowScore(db: Db, payableId: string, score: number, at: string): Promise<void> {
  await db.query(
    `INSERT INTO payables (payable_id, four_flow_score, four_flow_at) VALUES ($1, $2, $3)
     ON CONFLICT (payable_id) DO UPDATE SET four_flow_score = EXCLUDED.four_flow_score, four_flow_at = EXCLUDED.four_flow_at`,
    [payableId, score, at],
  );
}

export async function recordVoidedInvoice(db: Db, v: { invoiceId: string; payables: string[]; status: string; at: string }): Promise<void> {
  for (const payableId of v.payables) {
    await db.query('INSERT INTO voided_invoices (invoice_id, payable_id, status, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [v.invoiceId, payableId, v.status, v.at]);
  }
}

// Reads.

export interface VoucherRow {
  voucherId: string;
  rootId: string;
  issuer: string;
  holder: string;
  amount: string;
  maturityDate: string;
  tier: number;
  status: string;
}

export async function voucherById(db: Db, voucherId: string): Promise<VoucherRow | null> {
  const { rows } = await db.query<{ voucher_id: string; root_id: string; issuer: string; holder: string; amount_fen: string; maturity_date: string; tier: number; status: string }>(
    'SELECT voucher_id, root_id, issuer, holder, amount_fen, maturity_date::text, tier, status FROM vouchers WHERE voucher_id = $1',
    [voucherId],
  );
  const r = rows[0];
  return r ? { voucherId: r.voucher_id, rootId: r.root_id, issuer: r.issuer, holder: r.holder, amount: amountOf(r.amount_fen), maturityDate: r.maturity_date, tier: r.tier, status: r.status } : null;
}

/**
 * A voucher and the hops from the issuer down to it, oldest first (remainders kept by the holder
 * are not hops), in one round trip.
 */
export async function voucherWithPath(db: Db, voucherId: string): Promise<{ voucher: VoucherRow; path: { from: string; to: string; at: string | null }[] } | null> {
  const { rows } = await db.query<{ voucher_id: string; root_id: string; issuer: string; holder: string; amount_fen: string; maturity_date: string; tier: number; status: string; sender: string; recipient: string; accepted_at: Date | null }>(
    `WITH RECURSIVE chain AS (
       SELECT voucher_id, parent_id, root_id, issuer, holder, amount_fen, maturity_date, tier, status, sender, recipient, accepted_at FROM vouchers WHERE voucher_id = $1
       UNION ALL
       SELECT v.voucher_id, v.parent_id, v.root_id, v.issuer, v.holder, v.amount_fen, v.maturity_date, v.tier, v.status, v.sender, v.recipient, v.accepted_at FROM vouchers v JOIN chain c ON v.voucher_id = c.parent_id
     )
     SELECT voucher_id, root_id, issuer, holder, amount_fen, maturity_date::text, tier, status, sender, recipient, accepted_at FROM chain ORDER BY tier`,
    [voucherId],
  );
  const self = rows.find((r) => r.voucher_id === voucherId);
  if (!self) return null;
  return {
    voucher: { voucherId: self.voucher_id, rootId: self.root_id, issuer: self.issuer, holder: self.holder, amount: amountOf(self.amount_fen), maturityDate: self.maturity_date, tier: self.tier, status: self.status },
    path: rows.filter((r) => r.sender !== r.recipient).map((r) => ({ from: r.sender, to: r.recipient, at: r.accepted_at ? r.accepted_at.toISOString() : null })),
  };
}

const exposedStatuses = `('financed', 'overdue', 'frozen')`;

/** The issuer's overdue trees and the financed exposure figures of an assessment, in one round trip. */
export async function issuerPosition(db: Db, issuer: string, funder: string): Promise<{ overdue: { roots: number; outstanding: string }; exposure: { issuerFinanced: string; funderOnIssuer: string; funderBook: string } }> {
  const { rows } = await db.query<{ roots: string; outstanding: string; issuer_fen: string; funder_issuer_fen: string; funder_fen: string }>(
    `SELECT o.roots, o.outstanding, e.issuer_fen, e.funder_issuer_fen, e.funder_fen FROM
       (SELECT count(*) AS roots, coalesce(sum(overdue_outstanding_fen), 0) AS outstanding FROM trees WHERE issuer = $1 AND overdue_outstanding_fen > 0) o,
       (SELECT coalesce(sum(outstanding_fen) FILTER (WHERE issuer = $1), 0) AS issuer_fen,
               coalesce(sum(outstanding_fen) FILTER (WHERE issuer = $1 AND financed_funder = $2), 0) AS funder_issuer_fen,
               coalesce(sum(outstanding_fen) FILTER (WHERE financed_funder = $2), 0) AS funder_fen
        FROM vouchers WHERE financed_funder IS NOT NULL AND status IN ${exposedStatuses} AND (issuer = $1 OR financed_funder = $2)) e`,
    [issuer, funder],
  );
  const r = rows[0]!;
  return {
    overdue: { roots: Number(r.roots), outstanding: amountOf(r.outstanding) },
    exposure: { issuerFinanced: amountOf(r.issuer_fen), funderOnIssuer: amountOf(r.funder_issuer_fen), funderBook: amountOf(r.funder_fen) },
  };
}

/** Financed outstanding on one issuer and on the whole platform. */
export async function platformExposure(db: Db, issuer: string): Promise<{ issuerFinanced: string; platformFinanced: string }> {
  const { rows } = await db.query<{ issuer_fen: string; total_fen: string }>(
    `SELECT coalesce(sum(outstanding_fen) FILTER (WHERE issuer = $1), 0) AS issuer_fen, coalesce(sum(outstanding_fen), 0) AS total_fen
     FROM vouchers WHERE financed_funder IS NOT NULL AND status IN ${exposedStatuses}`,
    [issuer],
  );
  return { issuerFinanced: amountOf(rows[0]!.issuer_fen), platformFinanced: amountOf(rows[0]!.total_fen) };
}

/** Funders exposed to an issuer: financed outstanding on it, a credit line to it, or an open request on its vouchers. */
export async function fundersExposedTo(db: Db, issuer: string): Promise<string[]> {
  const { rows } = await db.query<{ funder: string }>(
    `SELECT financed_funder AS funder FROM vouchers WHERE issuer = $1 AND financed_funder IS NOT NULL AND status IN ${exposedStatuses} AND outstanding_fen > 0
     UNION SELECT funder FROM credit_lines WHERE issuer = $1 AND limit_fen > 0
     UNION SELECT request_funder FROM vouchers WHERE issuer = $1 AND status = 'pending_financing'
     ORDER BY 1`,
    [issuer],
  );
  return rows.map((r) => r.funder);
}

export async function concentrationFlag(db: Db, issuer: string): Promise<boolean> {
  const { rows } = await db.query<{ above: boolean }>('SELECT above FROM concentration_flags WHERE issuer = $1', [issuer]);
  return rows[0]?.above ?? false;
}

export async function setConcentrationFlag(db: Db, issuer: string, above: boolean): Promise<void> {
  await db.query('INSERT INTO concentration_flags (issuer, above) VALUES ($1, $2) ON CONFLICT (issuer) DO UPDATE SET above = EXCLUDED.above', [issuer, above]);
}

/** The amounts a product already took on a day: financed that day, or requested that day and still open. */
export async function productUsedOn(db: Db, funder: string, productId: string, day: string, exceptVoucherId: string): Promise<bigint> {
  const { rows } = await db.query<{ fen: string }>(
    `SELECT coalesce(sum(amount_fen), 0) AS fen FROM vouchers
     WHERE voucher_id <> $4 AND (
       (financed_funder = $1 AND financed_product = $2 AND financed_on = $3::date)
       OR (status = 'pending_financing' AND request_funder = $1 AND request_product = $2 AND (requested_at AT TIME ZONE 'Asia/Shanghai')::date = $3::date))`,
    [funder, productId, day, exceptVoucherId],
  );
  return BigInt(rows[0]!.fen);
}

export async function payablesOfTree(db: Db, rootId: string): Promise<{ payableId: string; fourFlowScore: number | null; voidedInvoices: string[] }[]> {
  const { rows } = await db.query<{ payable_id: string; four_flow_score: number | null; voided: string[] }>(
    `SELECT b.payable_id, p.four_flow_score, coalesce(array_agg(v.invoice_id ORDER BY v.invoice_id) FILTER (WHERE v.invoice_id IS NOT NULL), '{}') AS voided
     FROM tree_backing b LEFT JOIN payables p ON p.payable_id = b.payable_id LEFT JOIN voided_invoices v ON v.payable_id = b.payable_id
     WHERE b.root_id = $1 GROUP BY b.payable_id, p.four_flow_score ORDER BY b.payable_id`,
    [rootId],
  );
  return rows.map((r) => ({ payableId: r.payable_id, fourFlowScore: r.four_flow_score, voidedInvoices: r.voided }));
}

/** Edges one breadth-first search may gather before it stops. */
export const transferEdgesMax = 5_000;

/** Accepted transfers reachable from `start` since `since`, up to the cycle search's depth. */
export async function edgesReachableFrom(db: Db, start: string, since: string): Promise<{ edges: TransferEdge[]; truncated: boolean }> {
  const edges: TransferEdge[] = [];
  const seen = new Set<string>([start]);
  let frontier = [start];
  for (let depth = 0; depth < cycleHopsMax && frontier.length > 0; depth++) {
    const { rows } = await db.query<{ voucher_id: string; sender: string; recipient: string; accepted_at: Date }>(
      `SELECT voucher_id, sender, recipient, accepted_at FROM transfers WHERE sender = ANY($1) AND accepted_at >= $2 ORDER BY accepted_at, voucher_id LIMIT $3`,
      [frontier, since, transferEdgesMax - edges.length + 1],
    );
    const next: string[] = [];
    for (const r of rows) {
      if (edges.length >= transferEdgesMax) return { edges, truncated: true };
      edges.push({ from: r.sender, to: r.recipient, at: r.accepted_at.toISOString(), voucherId: r.voucher_id });
      if (!seen.has(r.recipient)) {
        seen.add(r.recipient);
        next.push(r.recipient);
      }
    }
    frontier = next;
  }
  return { edges, truncated: false };
}

/** A party's platform behaviour and related-party count, in one round trip. */
export async function behaviourOf(db: Db, party: string, asOf: string): Promise<PlatformBehaviour> {
  const { rows } = await db.query<{
    registered_at: Date | null; matured: string; on_time: string; overdue: string; transfers: string; financed: string; rejected: string; received: string[] | null; related: string;
  }>(
    `SELECT
       (SELECT registered_at FROM parties WHERE party_id = $1) AS registered_at,
       (SELECT count(*) FROM trees WHERE issuer = $1 AND (maturity_date < $2::date OR settled_at IS NOT NULL)) AS matured,
       (SELECT count(*) FROM trees WHERE issuer = $1 AND paid_on_time) AS on_time,
       (SELECT count(*) FROM trees WHERE issuer = $1 AND went_overdue) AS overdue,
       (SELECT count(*) FROM transfers WHERE sender = $1 AND accepted_at >= ($2::date - 30)) AS transfers,
       (SELECT count(*) FROM vouchers WHERE financed_seller = $1) AS financed,
       (SELECT count(*) FROM financing_outcomes WHERE holder = $1 AND outcome = 'rejected') AS rejected,
       (SELECT array_agg(fen::text ORDER BY issuer) FROM (SELECT issuer, sum(amount_fen) AS fen FROM transfers WHERE recipient = $1 GROUP BY issuer) r) AS received,
       (SELECT count(DISTINCT o.enterprise) FROM enterprise_identity me JOIN enterprise_identity o
          ON o.enterprise <> me.enterprise AND (o.representative_key = me.representative_key OR o.address_key = me.address_key)
        WHERE me.enterprise = $1) AS related`,
    [party, asOf],
  );
  const r = rows[0]!;
  return {
    registeredAt: r.registered_at ? r.registered_at.toISOString() : null,
    maturedRoots: Number(r.matured),
    onTimeRoots: Number(r.on_time),
    overdueRoots: Number(r.overdue),
    transfersOut30d: Number(r.transfers),
    receivedByIssuerFen: (r.received ?? []).map((x) => BigInt(x)),
    financedCount: Number(r.financed),
    financingRejectedCount: Number(r.rejected),
    relatedPartyCount: Number(r.related),
  };
}
