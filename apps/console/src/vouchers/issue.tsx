/**
 * A core enterprise issues a voucher against one of its confirmed payables: the holder is the
 * payable's creditor, the amount at most what remains unissued (the ledger checks it again).
 */
import { useEffect, useState } from 'react';
import { newVoucherId, type PayablePage } from '@cascade/sdk/client';
import { formatAmount, isAmount, toCents } from '../shared/money.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import type { PendingCommand } from '../shared/sign-dialog.tsx';

type Payable = PayablePage['items'][number];

export function IssueForm({ onPrepare, reloadKey }: { onPrepare: (p: PendingCommand) => void; reloadKey: number }) {
  const { session, t, lang } = useSession();
  const [payables, setPayables] = useState<Payable[]>([]);
  const [payableId, setPayableId] = useState('');
  const [amount, setAmount] = useState('');
  const [maturityDate, setMaturity] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    session.client.listRecordedPayables({ role: 'debtor' }).then(
      (page) => {
        if (!current) return;
        const open = page.items.filter((p) => p.remaining !== '0.00');
        setPayables(open);
        // A reload keeps what the user chose while it is still open; a payable used up leaves the form.
        setPayableId((chosen) => {
          if (chosen === '' || open.some((p) => p.payableId === chosen)) return chosen;
          setAmount('');
          return '';
        });
      },
      (e: unknown) => current && setError(describeError(e, lang)),
    );
    return () => {
      current = false;
    };
  }, [session, lang, reloadKey]);

  const payable = payables.find((p) => p.payableId === payableId);
  const valid = !!payable && isAmount(amount) && toCents(amount) > 0n && toCents(amount) <= toCents(payable.remaining) && /^\d{4}-\d{2}-\d{2}$/.test(maturityDate);
  return (
    <form
      aria-label={t('issue')}
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onPrepare({ type: 'voucher.issue', payload: { voucherId: newVoucherId(), holder: payable!.creditor, amount, maturityDate, backing: [{ payableId: payable!.payableId, amount }] } });
      }}
    >
      <h3>{t('issue')}</h3>
      {error && <p role="alert">{error}</p>}
      <label>
        {t('payable')}
        <select name="payable" value={payableId} onChange={(e) => { setPayableId(e.target.value); setAmount(payables.find((p) => p.payableId === e.target.value)?.remaining ?? ''); }}>
          <option value="">—</option>
          {payables.map((p) => (
            <option key={p.payableId} value={p.payableId}>{`${p.payableId} · ${p.creditor} · ${formatAmount(p.remaining)}`}</option>
          ))}
        </select>
      </label>
      <label>
        {t('amount')}
        <input name="issueAmount" value={amount} onChange={(e) => setAmount(e.target.value)} />
      </label>
      <label>
        {t('maturity')}
        <input name="maturityDate" type="date" value={maturityDate} onChange={(e) => setMaturity(e.target.value)} />
      </label>
      <button type="submit" disabled={!valid}>{t('prepare')}</button>
    </form>
  );
}
