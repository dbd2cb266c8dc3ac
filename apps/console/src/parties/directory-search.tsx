/**
 * Finding a counterparty by name: the directory (`GET /v1/directory?q=`) searched as the holder
 * types part of a name, or the start of a USCC, and the match picked from a list — so nobody has to
 * know an 18-character code by heart. The pick only fills the recipient's id; the form still names
 * the recipient from the directory before anything is signed.
 */
import { useEffect, useState } from 'react';
import type { DirectoryEntry } from '@cascade/sdk/client';
import type { MessageKey } from '../shared/i18n.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';

/** Typing pauses this long before the directory is asked, so a word typed is one request. */
const searchDelayMs = 250;
const matchesShownMax = 10;

export function CounterpartySearch({ onPick }: { onPick: (partyId: string) => void }) {
  const { session, t, lang } = useSession();
  const [q, setQ] = useState('');
  const [matches, setMatches] = useState<DirectoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const query = q.trim();
    setMatches(null);
    if (query.length < 2) return;
    let live = true;
    const timer = setTimeout(() => {
      session.client.searchDirectory(query, { limit: matchesShownMax + 1 }).then(
        (page) => {
          if (!live) return;
          setMatches(page.items.filter((p) => p.partyId !== session.partyId).slice(0, matchesShownMax));
          setError(null);
        },
        (e: unknown) => live && setError(describeError(e, lang)),
      );
    }, searchDelayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, session, lang]);

  return (
    <div className="directory-search">
      <label>
        {t('directorySearch')}
        <input name="directoryQuery" type="search" autoComplete="off" value={q} onChange={(e) => setQ(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()} placeholder={t('directoryHint')} />
      </label>
      {error && <p role="alert">{error}</p>}
      {matches && (matches.length === 0 ? (
        <p data-testid="directory-none">{t('directoryNone')}</p>
      ) : (
        <ul aria-label={t('directoryMatches')} className="matches">
          {matches.map((p) => (
            <li key={p.partyId}>
              <button
                type="button"
                data-party={p.partyId}
                onClick={() => {
                  onPick(p.partyId);
                  setQ('');
                }}
              >
                {p.name} · <code>{p.uscc ?? p.partyId}</code> · {p.roles.map((r) => t(`role_${r}` as MessageKey)).join('、')}
              </button>
            </li>
          ))}
        </ul>
      ))}
    </div>
  );
}
