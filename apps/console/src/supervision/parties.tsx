/**
 * The regulator finds a party by (part of) its name or the start of its USCC (the directory,
 * `GET /v1/directory?q=`: the same search every party has, bounded and paged, where `listParties`
 * would hand the page every party to filter), and sees every voucher it holds or issued
 * (`GET /v1/vouchers?party=`, the regulator's), each with its whole tree.
 */
import { useState } from 'react';
import type { DirectoryEntry, VoucherTree, VoucherView } from '@cascade/sdk/client';
import type { MessageKey } from '../shared/i18n.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import { VoucherTable } from '../vouchers/holdings.tsx';
import { TreeView } from '../vouchers/tree-view.tsx';

const matchesShownMax = 20;

export function PartySearch() {
  const { session, t, lang } = useSession();
  const [q, setQ] = useState('');
  const [matches, setMatches] = useState<DirectoryEntry[] | null>(null);
  const [party, setParty] = useState<DirectoryEntry | null>(null);
  const [vouchers, setVouchers] = useState<VoucherView[] | null>(null);
  const [more, setMore] = useState(false);
  const [tree, setTree] = useState<{ tree: VoucherTree; focusId: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<void>) {
    try {
      await action();
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }

  const search = () =>
    run(async () => {
      setParty(null);
      setVouchers(null);
      setTree(null);
      setMatches((await session.client.searchDirectory(q.trim(), { limit: matchesShownMax })).items);
    });

  const open = (p: DirectoryEntry) =>
    run(async () => {
      setParty(p);
      setTree(null);
      const page = await session.client.listVouchers({ party: p.partyId, role: 'any', limit: 200 });
      setVouchers(page.items);
      setMore(page.next !== null);
    });

  const showTree = (voucherId: string) => run(async () => setTree({ tree: await session.client.getVoucherTree(voucherId), focusId: voucherId }));

  return (
    <section aria-labelledby="party-search-title">
      <h2 id="party-search-title">{t('partySearchTitle')}</h2>
      <form aria-label={t('partySearchTitle')} onSubmit={(e) => { e.preventDefault(); void search(); }}>
        <label>
          {t('partySearchQuery')}
          <input name="partyQuery" type="search" value={q} onChange={(e) => setQ(e.target.value)} required minLength={2} />
        </label>
        <button type="submit" disabled={q.trim().length < 2}>{t('lookUp')}</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {matches && (matches.length === 0 ? (
        <p>{t('directoryNone')}</p>
      ) : (
        <table aria-label={t('directoryMatches')}>
          <thead>
            <tr>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('partyUscc')}</th>
              <th scope="col">{t('roles')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {matches.map((p) => (
              <tr key={p.partyId} data-party={p.partyId}>
                <td>{p.name}</td>
                <td><code>{p.uscc ?? p.partyId}</code></td>
                <td>{p.roles.map((r) => t(`role_${r}` as MessageKey)).join('、')}</td>
                <td><button type="button" onClick={() => void open(p)}>{t('partyVouchers')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {party && vouchers && (
        <>
          <h3>{t('partyVouchersOf')}: {party.name} <code>{party.partyId}</code></h3>
          {more && <p>{t('partyVouchersMore')}</p>}
          <VoucherTable items={vouchers} actions={(v) => <button type="button" onClick={() => void showTree(v.voucherId)}>{t('showTree')}</button>} />
        </>
      )}
      {tree && <TreeView tree={tree.tree} focusId={tree.focusId} />}
    </section>
  );
}
