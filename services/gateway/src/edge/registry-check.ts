/**
 * The hard stop at approval (DESIGN §4, 中登网): before a `financing.approve` is sent to Kafka,
 * the workflows service is asked for the registry search of the voucher's pending financing
 * (`GET /v1/financings/{voucherId}/registry`, as the approving funder).
 *
 *   an earlier registration in force      → 409 registryHit, carrying the registrations
 *   no search answered yet (or not known) → 409 registrySearchPending: retry later (the same signed
 *                                           command may be sent again: its nonce is not used yet)
 *   the search failed                     → 409 registrySearchFailed, with the reason
 *   the financing is not pending          → passed on: the ledger decides (and refuses)
 *
 * When the workflows service knows no financing of the voucher (yet), the ledger is asked, as the
 * caller, for the voucher: pending financing to the caller → registrySearchPending (the workflows
 * service has not caught up); anything else (unknown, invisible, not pending) → passed on, and the
 * ledger refuses it. The ledger's committed state decides, so no lag lets an approval past.
 *
 * A search under way is waited for a little (`waitMs`), so a client that approves right after the
 * request is not turned away for the registry's usual latency. Only GATEWAY_REGISTRY_CHECK=off
 * turns this off (docs/gateway.md).
 */
import { Problem } from '@cascade/errors';
import { gatewayProblems } from '../problems.ts';
import type { Upstreams } from './upstream.ts';

interface RegistryRecord {
  financingId: string;
  state: string;
  search: { state: string; outcome: string | null; searchReportNumber: string | null; activeHits: unknown[] };
}

export interface RegistryCheckOptions {
  voucherId: string;
  /** The approving funder; the workflows service shows the record to the funder named in the request. */
  caller: string;
  traceId: string;
  /** How long a search under way is waited for. */
  waitMs: number;
  pollMs?: number;
}

/** True when the ledger holds the voucher pending financing to the caller. */
async function pendingFinancingAtLedger(upstreams: Upstreams, o: RegistryCheckOptions): Promise<boolean> {
  const res = await upstreams.call('ledger', { method: 'GET', path: `/v1/vouchers/${encodeURIComponent(o.voucherId)}`, caller: o.caller, traceId: o.traceId });
  if (res.status === 404 || res.status === 400) return false;
  if (res.status !== 200) throw new Problem(gatewayProblems.upstreamUnavailable, `the ledger answered ${res.status} for voucher ${o.voucherId}`);
  const v = res.body as { status?: string; financingRequest?: { funder?: string } | null };
  return v.status === 'pending_financing' && v.financingRequest?.funder === o.caller;
}

/** Throws the problem that stops the approval, or returns when it may go to the ledger. */
export async function checkRegistryBeforeApproval(upstreams: Upstreams, o: RegistryCheckOptions): Promise<void> {
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    const res = await upstreams.call('workflows', { method: 'GET', path: `/v1/financings/${encodeURIComponent(o.voucherId)}/registry`, caller: o.caller, traceId: o.traceId });
    if (res.status !== 200 && res.status !== 404) throw new Problem(gatewayProblems.upstreamUnavailable, `the workflows service answered ${res.status} for the registry record of ${o.voucherId}`);
    const record = res.status === 200 ? (res.body as RegistryRecord) : null;
    if (record && record.state !== 'requested') return;
    if (!record && !(await pendingFinancingAtLedger(upstreams, o))) return;
    if (record && record.search.state === 'done') {
      if (record.search.activeHits.length === 0) return;
      throw new Problem(gatewayProblems.registryHit, `the registry (中登网) holds ${record.search.activeHits.length} registration(s) in force on this receivable (search ${record.search.searchReportNumber}); the financing cannot be approved`, {
        voucherId: o.voucherId,
        financingId: record.financingId,
        searchReportNumber: record.search.searchReportNumber,
        registrations: record.search.activeHits,
      });
    }
    if (record && (record.search.state === 'failed' || record.search.state === 'cancelled')) {
      throw new Problem(gatewayProblems.registrySearchFailed, `the registry search of financing ${record.financingId} failed: ${record.search.outcome ?? 'no reason given'}`, { voucherId: o.voucherId, financingId: record.financingId });
    }
    if (Date.now() >= deadline) {
      throw new Problem(gatewayProblems.registrySearchPending, record ? `the registry search of financing ${record.financingId} is not answered yet; retry later` : `no financing request of voucher ${o.voucherId} has reached the registry yet; retry later`, {
        voucherId: o.voucherId,
        ...(record ? { financingId: record.financingId } : {}),
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(o.pollMs ?? 250, Math.max(0, deadline - Date.now()))));
  }
}
