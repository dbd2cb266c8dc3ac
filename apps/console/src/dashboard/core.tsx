/**
 * A core enterprise's dashboard: what its trees still owe by maturity (GET /v1/vouchers as their
 * issuer; buckets by days to maturity in Asia/Shanghai, totals on BigInt cents), the credit lines
 * it draws on (GET /v1/credit-lines: limit, used, available, as text and a bar), and its payables
 * as the invoices service scored them (GET /v1/payables, and one with its invoices and the
 * four-flow reasons: GET /v1/payables/{id}). A tree at or past maturity is settled from here.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CreditLinePage, PayableRecord, VoucherView } from '@cascade/sdk/client';
import type { MessageKey } from '../shared/i18n.ts';
import { statusKey } from '../shared/i18n.ts';
import { daysBetween, formatDate, todayShanghai } from '../shared/dates.ts';
import { formatAmount, fromCents, sumAmounts, toCents } from '../shared/money.ts';
import { allPages } from '../shared/pages.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import { SignDialog, type PendingCommand } from '../shared/sign-dialog.tsx';
import { SettleForm, settleable } from './settle.tsx';
import { useLiveReload } from '../live/live-events.tsx';
import { Loaded } from '../shared/loaded.tsx';

const liveReloadPrefixes = ['Voucher', 'TransferRevoked', 'AcceptanceExpired', 'CreditLine', 'Payable'] as const;

/** Nothing more is owed on a voucher in these (a split parent's value is in its children). */
const closed = new Set(['consumed', 'settled', 'rejected', 'revoked', 'cancelled']);

export type Bucket = 'past' | 'd30' | 'd90' | 'd180' | 'later';
export const buckets: Bucket[] = ['past', 'd30', 'd90', 'd180', 'later'];
const bucketKey: Record<Bucket, MessageKey> = { past: 'bucket_past', d30: 'bucket_d30', d90: 'bucket_d90', d180: 'bucket_d180', later: 'bucket_later' };

export function bucketOf(maturityDate: string, today: string): Bucket {
  const days = daysBetween(today, maturityDate);
  return days < 0 ? 'past' : days <= 30 ? 'd30' : days <= 90 ? 'd90' : days <= 180 ? 'd180' : 'later';
}

export interface TreeSummary {
  rootId: string;
  root: VoucherView | null;
  maturityDate: string;
  outstanding: string;
  open: number;
}

/** The issuer's trees with what each still owes (its open vouchers' outstanding, summed on cents). */
export function treesOf(vouchers: readonly VoucherView[]): TreeSummary[] {
  const byRoot = new Map<string, VoucherView[]>();
  for (const v of vouchers) byRoot.set(v.rootId, [...(byRoot.get(v.rootId) ?? []), v]);
  return [...byRoot.entries()]
    .map(([rootId, nodes]) => {
      const open = nodes.filter((v) => !closed.has(v.status));
      const root = nodes.find((v) => v.voucherId === rootId) ?? null;
      return { rootId, root, maturityDate: (root ?? nodes[0]!).maturityDate, outstanding: sumAmounts(open.map((v) => v.outstanding)), open: open.length };
    })
    .sort((a, b) => (a.maturityDate < b.maturityDate ? -1 : a.maturityDate > b.maturityDate ? 1 : a.rootId < b.rootId ? -1 : 1));
}

/** A share as a percentage with one decimal, from cents (for a bar's width; the amounts stay exact). */
export function percentOf(part: string, whole: string): number {
  const w = toCents(whole);
  if (w <= 0n) return 0;
  const tenths = (toCents(part) * 1000n) / w;
  return Number(tenths > 1000n ? 1000n : tenths < 0n ? 0n : tenths) / 10;
}

export function CoreDashboard() {
  const { session, t, lang } = useSession();
  const [vouchers, setVouchers] = useState<VoucherView[] | null>(null);
  const [lines, setLines] = useState<CreditLinePage['items'] | null>(null);
  const [payables, setPayables] = useState<PayableRecord[] | null>(null);
  const [shown, setShown] = useState<PayableRecord | null>(null);
  const [settling, setSettling] = useState<TreeSummary | null>(null);
  const [pending, setPending] = useState<PendingCommand | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [v, l, p] = await Promise.all([
        allPages((after) => session.client.listVouchers({ role: 'issuer', ...(after ? { after } : {}), limit: 200 })),
        allPages((after) => session.client.listCreditLines({ ...(after ? { after } : {}), limit: 200 })),
        allPages((after) => session.client.listPayables({ ...(after ? { after } : {}), limit: 200 })),
      ]);
      setVouchers(v.filter((x) => x.issuer === session.partyId));
      setLines(l.filter((x) => x.issuer === session.partyId));
      setPayables(p.filter((x) => x.debtor === session.partyId));
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }, [session]);
  useEffect(() => void load(), [load]);
  // Reloaded when the ledger tells this party of a change (the gateway's event stream).
  useLiveReload(() => void load(), liveReloadPrefixes);

  async function showPayable(payableId: string) {
    try {
      setShown(await session.client.getPayable(payableId));
    } catch (e) {
      setError(describeError(e, lang));
    }
  }

  const today = todayShanghai();
  const trees = vouchers ? treesOf(vouchers).filter((tr) => toCents(tr.outstanding) > 0n || tr.open > 0) : null;
  return (
    <section aria-labelledby="dashboard-title">
      <h2 id="dashboard-title">{t('dashboardTitle')}</h2>
      <button type="button" onClick={() => void load()}>{t('refresh')}</button>
      {error && <p role="alert">{error}</p>}
      {pending && (
        <SignDialog
          pending={pending}
          onDone={(committed) => {
            setPending(null);
            if (committed) {
              setSettling(null);
              void load();
            }
          }}
        />
      )}
      {trees === null ? <p>{t('loading')}</p> : <MaturityBuckets trees={trees} today={today} />}
      {trees && trees.length > 0 && (
        <table data-testid="trees">
          <caption>{t('treesOutstanding')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('rootVoucher')}</th>
              <th scope="col">{t('maturity')}</th>
              <th scope="col">{t('maturityBucket')}</th>
              <th scope="col" className="num">{t('outstanding')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {trees.map((tr) => (
              <tr key={tr.rootId} data-root={tr.rootId} data-status={tr.root?.status ?? ''}>
                <td><code>{tr.rootId}</code></td>
                <td className="date">{formatDate(tr.maturityDate)}</td>
                <td>{t(bucketKey[bucketOf(tr.maturityDate, today)])}</td>
                <td className="num" data-testid="tree-outstanding">{formatAmount(tr.outstanding)}</td>
                <td>{tr.root ? t(statusKey(tr.root.status)) : '—'}</td>
                <td className="actions">
                  {tr.root && settleable(tr.root, today) && toCents(tr.outstanding) > 0n && (
                    <button type="button" onClick={() => setSettling(tr)}>{t('settle')}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {settling && <SettleForm key={settling.rootId} tree={settling} onPrepare={setPending} />}
      <CreditLines lines={lines} />
      <h3>{t('payablesTitle')}</h3>
      <Loaded items={payables}>
        {(payables) => (
          <table data-testid="payables">
            <thead>
              <tr>
                <th scope="col">{t('payableId')}</th>
                <th scope="col">{t('creditor')}</th>
                <th scope="col" className="num">{t('amount')}</th>
                <th scope="col">{t('dueDate')}</th>
                <th scope="col">{t('fourFlowScore')}</th>
                <th scope="col" className="num">{t('usageIssued')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('actions')}</th>
              </tr>
            </thead>
            <tbody>
              {payables.map((p) => (
                <tr key={p.payableId} data-payable={p.payableId} data-payable-status={p.status}>
                  <td><code>{p.payableId}</code></td>
                  <td>{p.creditor}</td>
                  <td className="num">{formatAmount(p.amount)}</td>
                  <td className="date">{p.dueDate}</td>
                  <td data-testid="four-flow-score">{`${p.fourFlow.score} / 100`}</td>
                  <td className="num">{formatAmount(p.usage.issued)}</td>
                  <td>{t(payableStatusKey[p.status])}</td>
                  <td className="actions"><button type="button" onClick={() => void showPayable(p.payableId)}>{t('details')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      {shown && <PayableDetails payable={shown} />}
    </section>
  );
}

function MaturityBuckets({ trees, today }: { trees: TreeSummary[]; today: string }) {
  const { t } = useSession();
  const sums = buckets.map((b) => {
    const of = trees.filter((tr) => bucketOf(tr.maturityDate, today) === b);
    return { bucket: b, trees: of.length, total: sumAmounts(of.map((tr) => tr.outstanding)) };
  });
  const total = sumAmounts(sums.map((s) => s.total));
  return (
    <table data-testid="maturity-buckets">
      <caption>{`${t('outstandingByMaturity')} · ${t('asOf')} ${today}`}</caption>
      <thead>
        <tr>
          <th scope="col">{t('maturityBucket')}</th>
          <th scope="col" className="num">{t('treeCount')}</th>
          <th scope="col" className="num">{t('outstanding')}</th>
          <th scope="col">{t('share')}</th>
        </tr>
      </thead>
      <tbody>
        {sums.map((s) => (
          <tr key={s.bucket} data-bucket={s.bucket}>
            <th scope="row">{t(bucketKey[s.bucket])}</th>
            <td className="num">{s.trees}</td>
            <td className="num" data-testid="bucket-total">{formatAmount(s.total)}</td>
            <td><Bar percent={percentOf(s.total, total)} /></td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('total')}</th>
          <td className="num">{trees.length}</td>
          <td className="num" data-testid="buckets-total">{formatAmount(total)}</td>
          <td />
        </tr>
      </tfoot>
    </table>
  );
}

function Bar({ percent, label }: { percent: number; label?: string }) {
  return (
    <span className="bar" role="img" aria-label={label ?? `${percent}%`}>
      <span className="bar-fill" style={{ width: `${percent}%` }} />
    </span>
  );
}

function CreditLines({ lines }: { lines: CreditLinePage['items'] | null }) {
  const { t } = useSession();
  return (
    <>
      <h3>{t('creditLinesTitle')}</h3>
      <Loaded items={lines}>
        {(lines) => (
          <table data-testid="credit-lines">
            <thead>
              <tr>
                <th scope="col">{t('funder')}</th>
                <th scope="col" className="num">{t('creditLimit')}</th>
                <th scope="col" className="num">{t('creditUsed')}</th>
                <th scope="col" className="num">{t('creditAvailable')}</th>
                <th scope="col">{t('creditUse')}</th>
                <th scope="col">{t('termDays')}</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => {
                const available = toCents(l.limit) - toCents(l.used);
                const percent = percentOf(l.used, l.limit);
                return (
                  <tr key={l.funder} data-funder={l.funder}>
                    <td>{l.funder}</td>
                    <td className="num">{formatAmount(l.limit)}</td>
                    <td className="num" data-testid="credit-used">{formatAmount(l.used)}</td>
                    <td className="num" data-testid="credit-available">{formatAmount(fromCents(available < 0n ? 0n : available))}</td>
                    <td>
                      <Bar percent={percent} label={`${percent}%`} /> <span data-testid="credit-percent">{`${percent}%`}</span>
                    </td>
                    <td>{l.termDays}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Loaded>
    </>
  );
}

const payableStatusKey = { confirmed: 'payable_confirmed', recorded: 'payable_recorded', refused: 'payable_refused' } as const satisfies Record<PayableRecord['status'], MessageKey>;
const flowKey = { contract: 'flow_contract', delivery: 'flow_delivery', payment: 'flow_payment', verification: 'flow_verification' } as const satisfies Record<string, MessageKey>;

function PayableDetails({ payable: p }: { payable: PayableRecord }) {
  const { t } = useSession();
  return (
    <section aria-label={t('payableId')} data-testid="payable-details">
      <h3>{`${t('payableId')} ${p.payableId} · ${formatAmount(p.amount)}`}</h3>
      <p data-testid="four-flow">
        {`${t('fourFlowScore')} ${p.fourFlow.score} / 100 (${t('fourFlowFloor')} ${p.fourFlow.floor}) · `}
        {(Object.keys(flowKey) as (keyof typeof flowKey)[]).map((f) => `${t(flowKey[f])} ${p.fourFlow.flows[f] ?? 0}`).join(' · ')}
      </p>
      <h4>{t('reasons')}</h4>
      {p.fourFlow.reasons.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <ul data-testid="four-flow-reasons">
          {p.fourFlow.reasons.map((r, i) => (
            <li key={i} data-flow={r.flow} data-code={r.code}>{`${t(flowKey[r.flow])} −${r.points}: ${r.detail} (${r.code})`}</li>
          ))}
        </ul>
      )}
      <h4>{t('invoices')}</h4>
      <table data-testid="payable-invoices">
        <thead>
          <tr>
            <th scope="col">{t('invoiceId')}</th>
            <th scope="col">{t('invoiceKey')}</th>
            <th scope="col" className="num">{t('amount')}</th>
          </tr>
        </thead>
        <tbody>
          {p.invoices.map((i) => (
            <tr key={i.invoiceId} data-invoice={i.invoiceId}>
              <td><code>{i.invoiceId}</code></td>
              <td>{i.invoiceKey}</td>
              <td className="num">{formatAmount(i.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>{`${t('usageIssued')} ${formatAmount(p.usage.issued)} · ${t('usageFinanced')} ${formatAmount(p.usage.financed)} · ${t('usageSettled')} ${formatAmount(p.usage.settled)}`}</p>
    </section>
  );
}
