/** A funder's financing requests (vouchers locked for it): approve with a rate and fees, or reject with a reason. */
import { useCallback, useEffect, useState } from 'react';
import type { VoucherView } from '@cascade/sdk/client';
import { formatAmount, isAmount } from '../shared/money.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import { SignDialog, type PendingCommand } from '../shared/sign-dialog.tsx';
import { VoucherTable } from '../vouchers/holdings.tsx';

export function FinancingRequests() {
  const { session, t, lang } = useSession();
  const [items, setItems] = useState<VoucherView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingCommand | null>(null);
  const [deciding, setDeciding] = useState<VoucherView | null>(null);
  const [lookupId, setLookupId] = useState('');

  const load = useCallback(async () => {
    try {
      const page = await session.client.listVouchers({ role: 'any', status: 'pending_financing' });
      setItems(page.items.filter((v) => v.financingRequest?.funder === session.partyId));
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }, [session]);
  useEffect(() => void load(), [load]);

  // The ledger lists vouchers by holder or issuer only, so a request addressed to this funder that
  // the list does not show is found by its voucher id (the ledger shows it to the funder named).
  async function lookUp() {
    try {
      const voucher = await session.client.getVoucher(lookupId.trim());
      setItems((current) => [...(current ?? []).filter((v) => v.voucherId !== voucher.voucherId), voucher]);
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }

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
              setDeciding(null);
              void load();
            }
          }}
        />
      )}
      {items === null ? <p>{t('loading')}</p> : <VoucherTable items={items} actions={(v) => <button type="button" onClick={() => setDeciding(v)}>{t('approve')} / {t('rejectFinancing')}</button>} />}
      {deciding && <Decision voucher={deciding} onPrepare={setPending} />}
    </section>
  );
}

function Decision({ voucher, onPrepare }: { voucher: VoucherView; onPrepare: (p: PendingCommand) => void }) {
  const { t } = useSession();
  const [annualRate, setRate] = useState('0.0365');
  const [fees, setFees] = useState('150.00');
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
