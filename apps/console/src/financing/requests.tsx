/**
 * A funder's financing-request inbox: the requests made to it as the risk service assessed them
 * (GET /v1/assessments, newest first), each with its voucher (requester, amount, maturity, status),
 * the assessment (score, PD, grade, recommendation) and the registry (中登网) search; a request not
 * assessed yet is found by its voucher id. From a request: its reasons and the registry's hits in
 * force, then approve with a rate and fees, or reject with a reason.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Assessment, FinancingRegistryView, VoucherView } from '@cascade/sdk/client';
import { statusKey } from '../shared/i18n.ts';
import { formatDate } from '../shared/dates.ts';
import { formatAmount, isAmount } from '../shared/money.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import { SignDialog, type PendingCommand } from '../shared/sign-dialog.tsx';
import { AssessmentDetails, AssessmentSummary, RegistryDetails, RegistrySummary } from './assessment.tsx';
import { useLiveReload } from '../live/live-events.tsx';

const liveReloadPrefixes = ['Financing', 'Voucher'] as const;

/**
 * One request as the inbox shows it: the voucher, and what the risk and workflows services say of
 * it. A request rejected or withdrawn has no voucher: the ledger shows a voucher to the funder its
 * pending request names, not after; the row then comes from the assessment and the registry record.
 */
export interface InboxItem {
  voucherId: string;
  voucher: VoucherView | null;
  assessment: Assessment | null;
  /** null: the workflows service has no financing record for it (yet), or could not be asked. */
  registry: FinancingRegistryView | null;
}

/** The newest assessments the inbox lists (the risk service pages them; older ones are found by voucher id). */
const inboxAssessmentsMax = 100;

export function FinancingRequests() {
  const { session, t, lang } = useSession();
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingCommand | null>(null);
  const [deciding, setDeciding] = useState<string | null>(null);
  const [lookupId, setLookupId] = useState('');
  const [lookedUp, setLookedUp] = useState<string[]>([]);
  // Requests this page rejected: not read from the ledger again (they are no longer shown to this funder).
  const [rejected, setRejected] = useState<string[]>([]);

  const itemOf = useCallback(
    async (voucherId: string, assessment: Assessment | null): Promise<InboxItem | null> => {
      const registry = await session.client.getFinancingRegistry(voucherId).catch(() => null);
      const closed = rejected.includes(voucherId) || registry?.state === 'rejected' || registry?.state === 'withdrawn';
      const voucher = closed ? null : await session.client.getVoucher(voucherId).catch(() => null);
      if (!voucher && !(closed && assessment)) return null;
      const latest = assessment ?? (await session.client.listAssessments({ voucherId, limit: 1 }).then((p) => p.items[0] ?? null, () => null));
      return { voucherId, voucher, assessment: latest, registry };
    },
    [session, rejected],
  );

  const load = useCallback(async () => {
    try {
      const page = await session.client.listAssessments({ limit: inboxAssessmentsMax });
      // Newest first: the first assessment of a voucher is its latest (a request re-assessed shows once).
      const latest = new Map<string, Assessment>();
      for (const a of page.items) if (!latest.has(a.voucherId)) latest.set(a.voucherId, a);
      const extra = lookedUp.filter((id) => !latest.has(id));
      const loaded = await Promise.all([...[...latest.values()].map((a) => itemOf(a.voucherId, a)), ...extra.map((id) => itemOf(id, null))]);
      setItems(loaded.filter((i): i is InboxItem => i !== null));
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }, [session, lookedUp, itemOf]);
  useEffect(() => void load(), [load]);
  // Reloaded when the ledger tells this party of a change (the gateway's event stream).
  useLiveReload(() => void load(), liveReloadPrefixes);

  // A request the risk service has not assessed (yet) is found by its voucher id: the ledger shows
  // a voucher to the funder its request names.
  async function lookUp() {
    const id = lookupId.trim();
    try {
      const item = await itemOf(id, null);
      if (!item) await session.client.getVoucher(id); // the ledger's refusal, readably
      if (item) setItems((current) => [item, ...(current ?? []).filter((i) => i.voucherId !== id)]);
      setLookedUp((ids) => (ids.includes(id) ? ids : [...ids, id]));
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }

  const selected = items?.find((i) => i.voucherId === deciding) ?? null;
  return (
    <section aria-labelledby="financing-title">
      <h2 id="financing-title">{t('financingRequests')}</h2>
      <button type="button" onClick={() => void load()}>{t('refresh')}</button>
      <form aria-label={t('lookUp')} onSubmit={(e) => { e.preventDefault(); void lookUp(); }}>
        <label>
          {t('voucherId')}
          <input name="requestVoucherId" value={lookupId} onChange={(e) => setLookupId(e.target.value)} required />
        </label>
        <button type="submit">{t('lookUp')}</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {pending && (
        <SignDialog
          pending={pending}
          onDone={(committed) => {
            setPending(null);
            if (committed) {
              if (pending.type === 'financing.reject') setRejected((ids) => [...ids, (pending.payload as { voucherId: string }).voucherId]);
              setDeciding(null);
              void load();
            }
          }}
        />
      )}
      {items === null ? <p>{t('loading')}</p> : <InboxTable items={items} onDecide={setDeciding} />}
      {selected && (
        <section aria-label={t('requestedOf')} className="request-details" data-testid="request-details">
          <AssessmentDetails assessment={selected.assessment} />
          <RegistryDetails registry={selected.registry} />
          {selected.voucher?.status === 'pending_financing' && <Decision key={selected.voucherId} voucher={selected.voucher} assessment={selected.assessment} onPrepare={setPending} />}
        </section>
      )}
    </section>
  );
}

function InboxTable({ items, onDecide }: { items: InboxItem[]; onDecide: (voucherId: string) => void }) {
  const { session, t } = useSession();
  if (!items.length) return <p>{t('none')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('voucherId')}</th>
          <th scope="col">{t('requester')}</th>
          <th scope="col">{t('issuer')}</th>
          <th scope="col" className="num">{t('amount')}</th>
          <th scope="col">{t('maturity')}</th>
          <th scope="col">{t('assessment')}</th>
          <th scope="col">{t('registrySearch')}</th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('actions')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map(({ voucherId, voucher: v, assessment, registry }) => (
          <tr key={voucherId} data-voucher={voucherId} data-status={v?.status ?? (registry?.state === 'withdrawn' ? 'financing_withdrawn' : 'financing_rejected')}>
            <td><code>{voucherId}</code></td>
            <td data-testid="requester">{assessment?.holder ?? (v?.status === 'pending_financing' ? v.holder : null) ?? registry?.holder ?? '—'}</td>
            <td>{v?.issuer ?? assessment?.issuer ?? '—'}</td>
            <td className="num">{formatAmount(v?.amount ?? registry?.amount ?? '0.00')}</td>
            <td className="date">{v ? formatDate(v.maturityDate) : '—'}</td>
            <td data-testid="assessment-summary"><AssessmentSummary assessment={assessment} /></td>
            <td data-testid="registry-summary"><RegistrySummary registry={registry} /></td>
            <td>
              {v ? t(statusKey(v.status)) : t(registry?.state === 'withdrawn' ? 'financingWithdrawn' : 'financingRejected')}
              {v?.financing && (
                <small className="terms" data-testid="financing-terms">
                  {`${t('interest')} ${formatAmount(v.financing.interest)} · ${t('fees')} ${formatAmount(v.financing.fees)} · ${t('net')} ${formatAmount(v.financing.net)} · ${v.financing.financedOn}`}
                </small>
              )}
            </td>
            <td className="actions">
              {v?.status === 'pending_financing' && v.financingRequest?.funder === session.partyId ? (
                <button type="button" onClick={() => onDecide(voucherId)}>{t('approve')} / {t('rejectFinancing')}</button>
              ) : (
                <button type="button" onClick={() => onDecide(voucherId)}>{t('details')}</button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Decision({ voucher, assessment, onPrepare }: { voucher: VoucherView; assessment: Assessment | null; onPrepare: (p: PendingCommand) => void }) {
  const { t } = useSession();
  // The product's terms as the assessment priced them, when it did; the holder's ceilings bound them.
  const [annualRate, setRate] = useState(assessment?.result.terms?.annualRate ?? '0.0365');
  const [fees, setFees] = useState(assessment?.result.terms?.fees ?? '150.00');
  const [reason, setReason] = useState('');
  const request = voucher.financingRequest;
  return (
    <form aria-label={t('approve')} onSubmit={(e) => e.preventDefault()}>
      <h3>
        {t('requestedOf')} · {formatAmount(voucher.amount)}
      </h3>
      {request && (
        <p>
          {t('productId')}: {request.productId} · {t('maxAnnualRate')}: {request.maxAnnualRate} · {t('maxFees')}: {formatAmount(request.maxFees)}
        </p>
      )}
      <label>
        {t('annualRate')}
        <input name="annualRate" value={annualRate} onChange={(e) => setRate(e.target.value)} />
      </label>
      <label>
        {t('fees')}
        <input name="fees" value={fees} onChange={(e) => setFees(e.target.value)} />
      </label>
      <button type="button" disabled={!/^0\.\d{1,6}$/.test(annualRate) || !isAmount(fees)} onClick={() => onPrepare({ type: 'financing.approve', payload: { voucherId: voucher.voucherId, annualRate, fees } })}>
        {t('approve')}
      </button>
      <label>
        {t('reason')}
        <input name="rejectReason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="button" disabled={!reason.trim()} onClick={() => onPrepare({ type: 'financing.reject', payload: { voucherId: voucher.voucherId, reason: reason.trim() } })}>
        {t('rejectFinancing')}
      </button>
    </form>
  );
}
