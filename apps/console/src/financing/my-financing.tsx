/**
 * A supplier's financings followed from request to disbursement, as the platform records them:
 * the request (the voucher's `financingRequest`, while it is pending), the approval (the voucher's
 * `financing` terms — rate, interest, fees, net — which the seller keeps seeing after the funder
 * took the voucher), and the disbursement's payment entry in the funder's payment file
 * (`GET /v1/payment-files`, `incoming`: its amount, end-to-end id and state; `blocked` when a bank
 * account is missing). A financing the page finds is one whose request is pending or whose
 * disbursement is planned; a rejected request leaves the voucher active, with nothing to follow.
 */
import { useCallback, useEffect, useState } from 'react';
import type { BlockedPaymentEntry, PaymentEntry, VoucherView } from '@cascade/sdk/client';
import { formatInstant } from '../shared/dates.ts';
import type { MessageKey } from '../shared/i18n.ts';
import { formatAmount } from '../shared/money.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import { formatRate } from './product-comparison.tsx';
import { useLiveReload } from '../live/live-events.tsx';
import { Loaded } from '../shared/loaded.tsx';

const liveReloadPrefixes = ['Voucher', 'Financing', 'TransferRevoked', 'AcceptanceExpired'] as const;

type Stage = 'requested' | 'approved' | 'blocked' | 'filed' | 'paid' | 'partial';
interface Followed {
  voucher: VoucherView;
  requestedAt: string | null;
  approvedAt: string | null;
  entry: PaymentEntry | null;
  blocked: BlockedPaymentEntry | null;
  stage: Stage;
}

const stageKey: Record<Stage, MessageKey> = {
  requested: 'stageRequested',
  approved: 'stageApproved',
  blocked: 'stageBlocked',
  filed: 'stageFiled',
  paid: 'stagePaid',
  partial: 'stagePartial',
};

function stageOf(voucher: VoucherView, entry: PaymentEntry | null, blocked: BlockedPaymentEntry | null): Stage {
  if (!voucher.financing) return 'requested';
  if (blocked) return 'blocked';
  if (!entry || entry.state === 'planned') return 'approved';
  return entry.state;
}

export function MyFinancing() {
  const { session, t, lang } = useSession();
  const [items, setItems] = useState<Followed[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [pending, payments] = await Promise.all([session.client.listVouchers({ role: 'holder', status: 'pending_financing' }), session.client.listPaymentFiles()]);
      const disbursements = payments.incoming.filter((e) => e.kind === 'disbursement' && e.voucherId !== null);
      const financed = await Promise.all(disbursements.map((e) => session.client.getVoucher(e.voucherId!)));
      const vouchers = [...pending.items, ...financed];
      const histories = await Promise.all(vouchers.map((v) => session.client.getVoucherHistory(v.voucherId)));
      setItems(
        vouchers.map((voucher, i) => {
          const ops = histories[i]!.operations;
          const entry = disbursements.find((e) => e.voucherId === voucher.voucherId) ?? null;
          const blocked = payments.blocked.find((b) => b.entry.kind === 'disbursement' && b.entry.voucherId === voucher.voucherId) ?? null;
          return {
            voucher,
            requestedAt: voucher.financingRequest?.requestedAt ?? ops.findLast((o) => o.type === 'financing.request')?.committedAt ?? null,
            approvedAt: ops.findLast((o) => o.type === 'financing.approve')?.committedAt ?? null,
            entry,
            blocked,
            stage: stageOf(voucher, entry, blocked),
          };
        }),
      );
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }, [session, lang]);
  useEffect(() => void load(), [load]);
  // Reloaded when the ledger tells this party of a change (the gateway's event stream).
  useLiveReload(() => void load(), liveReloadPrefixes);

  return (
    <section aria-labelledby="my-financing-title">
      <h2 id="my-financing-title">{t('myFinancingTitle')}</h2>
      <button type="button" onClick={() => void load()}>{t('refresh')}</button>
      {error && <p role="alert">{error}</p>}
      <Loaded items={items}>
        {(items) => (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('voucherId')}</th>
                <th scope="col" className="num">{t('amount')}</th>
                <th scope="col">{t('productsFunder')} · {t('productId')}</th>
                <th scope="col">{t('stepRequested')}</th>
                <th scope="col">{t('stepApproved')}</th>
                <th scope="col">{t('stepDisbursed')}</th>
                <th scope="col">{t('status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map(({ voucher, requestedAt, approvedAt, entry, blocked, stage }) => {
                const request = voucher.financingRequest;
                const terms = voucher.financing;
                return (
                  <tr key={voucher.voucherId} data-financing={voucher.voucherId} data-stage={stage}>
                    <td><code>{voucher.voucherId}</code></td>
                    <td className="num">{formatAmount(voucher.amount)}</td>
                    <td>{terms?.funder ?? request?.funder} · {terms?.productId ?? request?.productId}</td>
                    <td data-testid="step-requested">
                      {requestedAt ? formatInstant(requestedAt, lang) : '—'}
                      {request && <small className="terms">{`${t('maxAnnualRate')} ${formatRate(request.maxAnnualRate)} · ${t('maxFees')} ${formatAmount(request.maxFees)}`}</small>}
                    </td>
                    <td data-testid="step-approved">
                      {terms ? (
                        <>
                          {approvedAt ? formatInstant(approvedAt, lang) : terms.financedOn}
                          <small className="terms">{`${t('productsRate')} ${formatRate(terms.annualRate)} · ${terms.days} ${t('days')} · ${t('interest')} ${formatAmount(terms.interest)} · ${t('fees')} ${formatAmount(terms.fees)} · ${t('net')} ${formatAmount(terms.net)}`}</small>
                        </>
                      ) : '—'}
                    </td>
                    <td data-testid="step-disbursed">
                      {entry ? (
                        <>
                          {formatAmount(entry.amount)}
                          <small className="terms">{`${t('paymentEndToEnd')} ${entry.endToEndId}${entry.notifiedAmount ? ` · ${t('paymentNotified')} ${formatAmount(entry.notifiedAmount)}` : ''}`}</small>
                        </>
                      ) : '—'}
                    </td>
                    <td data-testid="financing-stage">
                      {t(stageKey[stage])}
                      {blocked && ` (${t('stageBlockedMissing')}: ${blocked.missing.map((m) => t(m === 'debtor' ? 'role_funder' : 'role_supplier')).join('、')})`}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Loaded>
    </section>
  );
}
