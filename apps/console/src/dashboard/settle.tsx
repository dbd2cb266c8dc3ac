/**
 * Settling a tree at maturity: the core enterprise names the bank payment that paid it (its
 * reference, unique per payer) and the amount paid — all of what the tree owes, or part of it (the
 * ledger pays the holders pro rata and marks the rest overdue). The `voucher.settle` command is
 * shown before it is signed; the ledger refuses a settlement before maturity by its own clock.
 */
import { useState } from 'react';
import type { VoucherView } from '@cascade/sdk/client';
import { formatAmount, isAmount, toCents } from '../shared/money.ts';
import { useSession } from '../shared/session.tsx';
import type { PendingCommand } from '../shared/sign-dialog.tsx';

const referencePattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
/** A root in these cannot be settled (never accepted, or nothing left to pay, or frozen). */
const notSettleable = new Set(['pending_acceptance', 'rejected', 'cancelled', 'revoked', 'settled', 'frozen']);

/** A root the page offers to settle: at or past maturity (by the page's Shanghai date) and open. */
export function settleable(root: VoucherView, today: string): boolean {
  return root.parentId === null && root.maturityDate <= today && !notSettleable.has(root.status);
}

export function SettleForm({ tree, onPrepare }: { tree: { rootId: string; outstanding: string; maturityDate: string }; onPrepare: (p: PendingCommand) => void }) {
  const { t } = useSession();
  const [paymentReference, setReference] = useState('');
  const [paidAmount, setPaid] = useState(tree.outstanding);
  const valid = referencePattern.test(paymentReference.trim()) && isAmount(paidAmount) && toCents(paidAmount) > 0n && toCents(paidAmount) <= toCents(tree.outstanding);
  return (
    <form
      aria-label={t('settle')}
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onPrepare({ type: 'voucher.settle', payload: { rootId: tree.rootId, paymentReference: paymentReference.trim(), paidAmount } });
      }}
    >
      <h3>{`${t('settle')} · ${formatAmount(tree.outstanding)} · ${t('maturity')} ${tree.maturityDate}`}</h3>
      <p>{t('settleHint')}</p>
      <label>
        {t('paymentReference')}
        <input name="paymentReference" value={paymentReference} onChange={(e) => setReference(e.target.value)} required />
      </label>
      <label>
        {t('paidAmount')}
        <input name="paidAmount" inputMode="decimal" value={paidAmount} onChange={(e) => setPaid(e.target.value)} required />
      </label>
      {isAmount(paidAmount) && toCents(paidAmount) < toCents(tree.outstanding) && <p role="status" data-testid="partial-warning">{t('settlePartial')}</p>}
      <button type="submit" disabled={!valid}>{t('prepare')}</button>
    </form>
  );
}
