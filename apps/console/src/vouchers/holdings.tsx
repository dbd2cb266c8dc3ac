/**
 * A supplier's or core enterprise's vouchers: accept or reject what was offered, split and
 * transfer, request financing, and the tree of any of them. Every action goes through the sign
 * dialog; the page computes nothing but the remainder a split keeps (on cents, as BigInt).
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { newVoucherId, type VoucherTree, type VoucherView } from '@cascade/sdk/client';
import { statusKey } from '../shared/i18n.ts';
import { formatDate } from '../shared/dates.ts';
import { formatAmount, isAmount, remainderOf } from '../shared/money.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import { SignDialog, type PendingCommand } from '../shared/sign-dialog.tsx';
import { ProductComparison, type ProductChoice } from '../financing/product-comparison.tsx';
import { CounterpartySearch } from '../parties/directory-search.tsx';
import { useLiveReload } from '../live/live-events.tsx';
import { IssueForm } from './issue.tsx';
import { TreeView } from './tree-view.tsx';

const liveReloadPrefixes = ['Voucher', 'Financing', 'TransferRevoked', 'AcceptanceExpired'] as const;

type Form = { kind: 'transfer' | 'finance'; voucher: VoucherView } | null;

export function VoucherTable({ items, actions }: { items: VoucherView[]; actions: (v: VoucherView) => ReactNode }) {
  const { t } = useSession();
  if (!items.length) return <p>{t('none')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('voucherId')}</th>
          <th scope="col" className="num">{t('amount')}</th>
          <th scope="col">{t('maturity')}</th>
          <th scope="col">{t('tier')}</th>
          <th scope="col">{t('holder')}</th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('actions')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((v) => (
          <tr key={v.voucherId} data-voucher={v.voucherId} data-status={v.status}>
            <td><code>{v.voucherId}</code></td>
            <td className="num">{formatAmount(v.amount)}</td>
            <td className="date">{formatDate(v.maturityDate)}</td>
            <td>{v.tier}</td>
            <td>{v.holder ?? '—'}</td>
            <td>
              {t(statusKey(v.status))}
              {v.financing && (
                <small className="terms" data-testid="financing-terms">
                  {`${t('interest')} ${formatAmount(v.financing.interest)} · ${t('fees')} ${formatAmount(v.financing.fees)} · ${t('net')} ${formatAmount(v.financing.net)} · ${v.financing.financedOn}`}
                </small>
              )}
            </td>
            <td className="actions">{actions(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Holdings() {
  const { session, t, lang } = useSession();
  const [items, setItems] = useState<VoucherView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingCommand | null>(null);
  const [form, setForm] = useState<Form>(null);
  const [tree, setTree] = useState<{ tree: VoucherTree; focusId: string } | null>(null);
  const [loads, setLoads] = useState(0);

  const load = useCallback(async () => {
    try {
      const page = await session.client.listVouchers(session.roles.includes('core') ? { role: 'any' } : {});
      setItems(page.items);
      setLoads((n) => n + 1);
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }, [session]);
  useEffect(() => void load(), [load]);
  // A voucher or financing of the viewer's changed (the live stream): the list is asked for again.
  useLiveReload(() => void load(), liveReloadPrefixes);

  async function showTree(voucherId: string) {
    try {
      setTree({ tree: await session.client.getVoucherTree(voucherId), focusId: voucherId });
    } catch (e) {
      setError(describeError(e, lang));
    }
  }

  return (
    <section aria-labelledby="holdings-title">
      <h2 id="holdings-title">{t('holdings')}</h2>
      <button type="button" onClick={() => void load()}>{t('refresh')}</button>
      {error && <p role="alert">{error}</p>}
      {pending && (
        <SignDialog
          pending={pending}
          onDone={(committed) => {
            setPending(null);
            if (committed) {
              setForm(null);
              void load();
            }
          }}
        />
      )}
      {items === null ? (
        <p>{t('loading')}</p>
      ) : (
        <VoucherTable
          items={items}
          actions={(v) => (
            <>
              {v.status === 'pending_acceptance' && v.holder === session.partyId && (
                <>
                  <button type="button" onClick={() => setPending({ type: 'voucher.accept', payload: { voucherId: v.voucherId } })}>{t('accept')}</button>
                  <button type="button" onClick={() => setPending({ type: 'voucher.reject', payload: { voucherId: v.voucherId, reason: null } })}>{t('reject')}</button>
                </>
              )}
              {(v.status === 'active' || v.status === 'frozen') && v.holder === session.partyId && (
                <>
                  <button type="button" onClick={() => setForm({ kind: 'transfer', voucher: v })}>{t('transfer')}</button>
                  <button type="button" onClick={() => setForm({ kind: 'finance', voucher: v })}>{t('finance')}</button>
                </>
              )}
              <button type="button" onClick={() => void showTree(v.voucherId)}>{t('showTree')}</button>
            </>
          )}
        />
      )}
      {session.roles.includes('core') && <IssueForm onPrepare={setPending} reloadKey={loads} />}
      {/* Keyed by the voucher, so the form opened for another voucher is a new one and takes the focus. */}
      {form?.kind === 'transfer' && <TransferForm key={form.voucher.voucherId} voucher={form.voucher} onPrepare={setPending} />}
      {form?.kind === 'finance' && <FinanceForm key={form.voucher.voucherId} voucher={form.voucher} onPrepare={setPending} />}
      {tree && <TreeView tree={tree.tree} focusId={tree.focusId} />}
    </section>
  );
}

/** The recipient as the directory names it (GET /v1/parties/:id), so the holder sees whom it pays before signing. */
function useCounterpartyName(partyId: string): string | null {
  const { session } = useSession();
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    setName(null);
    if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(partyId)) return;
    let live = true;
    session.client.getParty(partyId).then(
      (party) => live && setName(`${party.name} (${party.roles.join(', ')})`),
      () => live && setName(null),
    );
    return () => {
      live = false;
    };
  }, [partyId, session]);
  return name;
}

function TransferForm({ voucher, onPrepare }: { voucher: VoucherView; onPrepare: (p: PendingCommand) => void }) {
  const { t } = useSession();
  const [recipient, setRecipient] = useState('');
  const [amount, setAmount] = useState('');
  const recipientName = useCounterpartyName(recipient.trim());
  const remainder = remainderOf(voucher.amount, amount);
  const valid = recipient.trim() !== '' && isAmount(amount) && remainder !== null && amount !== '0.00';
  return (
    <form
      aria-label={t('transfer')}
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        onPrepare({
          type: 'voucher.transfer',
          payload: {
            voucherId: voucher.voucherId,
            pieces: [{ childId: newVoucherId(), recipient: recipient.trim(), amount }],
            remainder: remainder === '0.00' ? null : { childId: newVoucherId(), amount: remainder! },
          },
        });
      }}
    >
      <h3>{t('transfer')} · {formatAmount(voucher.amount)}</h3>
      <CounterpartySearch onPick={setRecipient} />
      <label>
        {t('recipient')}
        <input name="recipient" autoFocus value={recipient} onChange={(e) => setRecipient(e.target.value)} aria-describedby="recipient-name" required />
      </label>
      <p id="recipient-name" data-testid="recipient-name">{recipientName ?? ''}</p>
      <label>
        {t('pieceAmount')}
        <input name="pieceAmount" inputMode="decimal" placeholder="0.00" value={amount} onChange={(e) => setAmount(e.target.value)} required />
      </label>
      <p>
        {t('remainder')}: <output data-testid="remainder">{remainder !== null ? formatAmount(remainder) : '—'}</output>
      </p>
      <button type="submit" disabled={!valid}>{t('prepare')}</button>
    </form>
  );
}

function FinanceForm({ voucher, onPrepare }: { voucher: VoucherView; onPrepare: (p: PendingCommand) => void }) {
  const { t } = useSession();
  const [funder, setFunder] = useState('');
  const [productId, setProductId] = useState('DISCOUNT-90');
  const [maxAnnualRate, setRate] = useState('0.05');
  const [maxFees, setFees] = useState('300.00');
  const [chosen, setChosen] = useState<ProductChoice | null>(null);
  const choose = (c: ProductChoice) => {
    setChosen(c);
    setFunder(c.funder);
    setProductId(c.productId);
    setRate(c.annualRate);
    setFees(c.fees);
  };
  const valid = funder.trim() !== '' && productId.trim() !== '' && /^0(\.\d{1,10})?$/.test(maxAnnualRate) && isAmount(maxFees);
  return (
    <form
      aria-label={t('finance')}
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onPrepare({ type: 'financing.request', payload: { voucherId: voucher.voucherId, funder: funder.trim(), productId: productId.trim(), maxAnnualRate, maxFees } });
      }}
    >
      <h3>{t('finance')} · {formatAmount(voucher.amount)}</h3>
      <ProductComparison voucher={voucher} chosen={chosen} onChoose={choose} />
      <label>
        {t('funder')}
        <input name="funder" autoFocus value={funder} onChange={(e) => setFunder(e.target.value)} required />
      </label>
      <label>
        {t('productId')}
        <input name="productId" value={productId} onChange={(e) => setProductId(e.target.value)} required />
      </label>
      <label>
        {t('maxAnnualRate')}
        <input name="maxAnnualRate" value={maxAnnualRate} onChange={(e) => setRate(e.target.value)} required />
      </label>
      <label>
        {t('maxFees')}
        <input name="maxFees" value={maxFees} onChange={(e) => setFees(e.target.value)} required />
      </label>
      <button type="submit" disabled={!valid}>{t('prepare')}</button>
    </form>
  );
}
