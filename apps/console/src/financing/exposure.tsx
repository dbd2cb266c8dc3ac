/**
 * What the funder has financed, per issuer: the vouchers it holds with financing terms and still
 * owed (GET /v1/vouchers as their holder), summed on cents as BigInt — outstanding, face amount
 * and net disbursed — beside the credit line it granted the issuer, if any (GET /v1/credit-lines).
 */
import { useCallback, useEffect, useState } from 'react';
import type { VoucherView } from '@cascade/sdk/client';
import { formatAmount, sumAmounts } from '../shared/money.ts';
import { allPages } from '../shared/pages.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import { useLiveReload } from '../live/live-events.tsx';
import { Loaded } from '../shared/loaded.tsx';

const liveReloadPrefixes = ['Voucher', 'Financing', 'CreditLine'] as const;

/** Nothing more is owed on a voucher in these. */
const closed = new Set(['consumed', 'settled', 'rejected', 'revoked', 'cancelled']);

export interface IssuerExposure {
  issuer: string;
  vouchers: number;
  outstanding: string;
  amount: string;
  net: string;
  creditLine: { limit: string; used: string } | null;
}

export function exposureByIssuer(held: readonly VoucherView[], partyId: string, lines: readonly { issuer: string; limit: string; used: string }[]): IssuerExposure[] {
  const financed = held.filter((v) => v.holder === partyId && v.financing !== null && !closed.has(v.status));
  const issuers = [...new Set(financed.map((v) => v.issuer))].sort();
  return issuers.map((issuer) => {
    const of = financed.filter((v) => v.issuer === issuer);
    const line = lines.find((l) => l.issuer === issuer);
    return {
      issuer,
      vouchers: of.length,
      outstanding: sumAmounts(of.map((v) => v.outstanding)),
      amount: sumAmounts(of.map((v) => v.amount)),
      net: sumAmounts(of.map((v) => v.financing!.net)),
      creditLine: line ? { limit: line.limit, used: line.used } : null,
    };
  });
}

export function Exposure() {
  const { session, t, lang } = useSession();
  const [rows, setRows] = useState<IssuerExposure[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [held, lines] = await Promise.all([
        allPages((after) => session.client.listVouchers({ role: 'holder', ...(after ? { after } : {}), limit: 200 })),
        allPages((after) => session.client.listCreditLines({ ...(after ? { after } : {}), limit: 200 })),
      ]);
      setRows(exposureByIssuer(held, session.partyId, lines.filter((l) => l.funder === session.partyId)));
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }, [session]);
  useEffect(() => void load(), [load]);
  // Reloaded when the ledger tells this party of a change (the gateway's event stream).
  useLiveReload(() => void load(), liveReloadPrefixes);

  return (
    <section aria-labelledby="exposure-title">
      <h2 id="exposure-title">{t('exposureTitle')}</h2>
      <button type="button" onClick={() => void load()}>{t('refresh')}</button>
      {error && <p role="alert">{error}</p>}
      <Loaded items={rows}>
        {(rows) => (
          <table data-testid="exposure">
            <thead>
              <tr>
                <th scope="col">{t('issuer')}</th>
                <th scope="col" className="num">{t('voucherCount')}</th>
                <th scope="col" className="num">{t('outstanding')}</th>
                <th scope="col" className="num">{t('faceAmount')}</th>
                <th scope="col" className="num">{t('netDisbursed')}</th>
                <th scope="col" className="num">{t('creditLimitUsed')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.issuer} data-issuer={r.issuer}>
                  <td>{r.issuer}</td>
                  <td className="num">{r.vouchers}</td>
                  <td className="num" data-testid="exposure-outstanding">{formatAmount(r.outstanding)}</td>
                  <td className="num">{formatAmount(r.amount)}</td>
                  <td className="num">{formatAmount(r.net)}</td>
                  <td className="num">{r.creditLine ? `${formatAmount(r.creditLine.used)} / ${formatAmount(r.creditLine.limit)}` : '—'}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('total')}</th>
                <td className="num">{rows.reduce((n, r) => n + r.vouchers, 0)}</td>
                <td className="num" data-testid="exposure-total">{formatAmount(sumAmounts(rows.map((r) => r.outstanding)))}</td>
                <td className="num">{formatAmount(sumAmounts(rows.map((r) => r.amount)))}</td>
                <td className="num">{formatAmount(sumAmounts(rows.map((r) => r.net)))}</td>
                <td />
              </tr>
            </tfoot>
          </table>
        )}
      </Loaded>
    </section>
  );
}
