/** The regulator's desk: look up any voucher and its whole tree; freeze or unfreeze a subtree with a reason. */
import { useState } from 'react';
import type { VoucherTree, VoucherView } from '@cascade/sdk/client';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import { SignDialog, type PendingCommand } from '../shared/sign-dialog.tsx';
import { VoucherTable } from '../vouchers/holdings.tsx';
import { TreeView } from '../vouchers/tree-view.tsx';

export function Supervision() {
  const { session, t, lang } = useSession();
  const [voucherId, setVoucherId] = useState('');
  const [found, setFound] = useState<{ voucher: VoucherView; tree: VoucherTree } | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingCommand | null>(null);

  async function lookUp(id = voucherId.trim()) {
    try {
      const [voucher, tree] = await Promise.all([session.client.getVoucher(id), session.client.getVoucherTree(id)]);
      setFound({ voucher, tree });
      setError(null);
    } catch (e) {
      setFound(null);
      setError(describeError(e, lang));
    }
  }

  return (
    <section aria-labelledby="supervision-title">
      <h2 id="supervision-title">{t('navSupervision')}</h2>
      <form aria-label={t('lookUp')} onSubmit={(e) => { e.preventDefault(); void lookUp(); }}>
        <label>
          {t('voucherId')}
          <input name="lookupVoucherId" value={voucherId} onChange={(e) => setVoucherId(e.target.value)} required />
        </label>
        <button type="submit">{t('lookUp')}</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {pending && (
        <SignDialog
          pending={pending}
          onDone={(committed) => {
            setPending(null);
            if (committed && found) void lookUp(found.voucher.voucherId);
          }}
        />
      )}
      {found && (
        <>
          <VoucherTable items={[found.voucher]} actions={() => null} />
          <label>
            {t('reason')}
            <input name="freezeReason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="button" disabled={!reason.trim()} onClick={() => setPending({ type: 'voucher.freeze', payload: { voucherId: found.voucher.voucherId, reason: reason.trim() } })}>{t('freeze')}</button>
          <button type="button" disabled={!reason.trim()} onClick={() => setPending({ type: 'voucher.unfreeze', payload: { voucherId: found.voucher.voucherId, reason: reason.trim() } })}>{t('unfreeze')}</button>
          <TreeView tree={found.tree} focusId={found.voucher.voucherId} />
        </>
      )}
    </section>
  );
}
