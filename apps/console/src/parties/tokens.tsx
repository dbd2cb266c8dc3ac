/**
 * The operator's tokens desk: a party's bearer tokens (label, created, expiry, revoked), a token
 * issued to it (`POST /v1/tokens`, shown once, with a copy button and a warning), and a token
 * revoked. The gateway keeps only a token's hash, so the one shown here can never be shown again.
 * No last-use time is listed: the gateway does not record one.
 */
import { useState } from 'react';
import type { LoginResponse, TokenInfo } from '@cascade/sdk/client';
import { formatInstant } from '../shared/dates.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';

/** Lifetimes offered, in days; the gateway caps any at its maximum. */
const lifetimesDays = [1, 7, 30] as const;

export function Tokens() {
  const { session, t, lang } = useSession();
  const [partyId, setPartyId] = useState('');
  const [shownFor, setShownFor] = useState<string | null>(null);
  const [items, setItems] = useState<TokenInfo[] | null>(null);
  const [label, setLabel] = useState('');
  const [days, setDays] = useState<number>(7);
  const [issued, setIssued] = useState<LoginResponse | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    } finally {
      setBusy(false);
    }
  }

  const load = (id: string) =>
    run(async () => {
      const page = await session.client.listTokens({ party: id, limit: 100 });
      setItems(page.items);
      setShownFor(id);
    });

  const issue = () =>
    run(async () => {
      const id = shownFor!;
      setIssued(await session.client.issueToken(id, { ...(label.trim() ? { label: label.trim() } : {}), ttlSeconds: days * 86_400 }));
      setCopied(false);
      setLabel('');
      setItems((await session.client.listTokens({ party: id, limit: 100 })).items);
    });

  const revoke = (tokenId: string) =>
    run(async () => {
      await session.client.revokeToken(tokenId);
      setItems((await session.client.listTokens({ party: shownFor!, limit: 100 })).items);
    });

  const now = Date.now();
  const stateOf = (token: TokenInfo) => (token.revokedAt ? 'revoked' : Date.parse(token.expiresAt) <= now ? 'expired' : 'valid');

  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('tokensTitle')}</h2>
      <form aria-label={t('tokensOfParty')} onSubmit={(e) => { e.preventDefault(); setIssued(null); void load(partyId.trim()); }}>
        <label>
          {t('tokensParty')}
          <input name="tokensPartyId" value={partyId} onChange={(e) => setPartyId(e.target.value)} required />
        </label>
        <button type="submit" disabled={busy || !partyId.trim()}>{t('tokensShow')}</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {issued && (
        <div role="status" className="secret" data-testid="issued-token">
          <p><strong>{t('tokenShownOnce')}</strong></p>
          <label>
            {t('tokenIssued')} ({issued.partyId}, {t('tokenExpires')} {formatInstant(issued.expiresAt, lang)})
            <input name="issuedToken" readOnly value={issued.token} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard.writeText(issued.token).then(() => setCopied(true), () => setCopied(false));
            }}
          >
            {t('tokenCopy')}
          </button>
          {copied && <span data-testid="token-copied">{t('tokenCopied')}</span>}
          <button type="button" onClick={() => setIssued(null)}>{t('tokenHide')}</button>
        </div>
      )}
      {shownFor && items && (
        <>
          <h3>{t('tokensOfParty')}: {shownFor}</h3>
          {items.length === 0 ? (
            <p>{t('none')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('tokenLabel')}</th>
                  <th scope="col">{t('tokenCreated')}</th>
                  <th scope="col">{t('tokenExpires')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('actions')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((token) => (
                  <tr key={token.tokenId} data-token={token.tokenId} data-state={stateOf(token)}>
                    <td>
                      {token.label ?? '—'} <small><code>{token.tokenId}</code></small>
                      <small className="terms" data-testid="token-origin">{token.issuedBy ? `${t('tokenIssuedBy')} ${token.issuedBy} · ${t('tokenReadOnly')}` : t('tokenOwnLogin')}</small>
                    </td>
                    <td className="date">{formatInstant(token.createdAt, lang)}</td>
                    <td className="date">{formatInstant(token.expiresAt, lang)}</td>
                    <td>{stateOf(token) === 'revoked' ? `${t('tokenRevoked')} ${formatInstant(token.revokedAt!, lang)}` : t(stateOf(token) === 'expired' ? 'tokenExpired' : 'tokenValid')}</td>
                    <td className="actions">
                      {stateOf(token) === 'valid' && <button type="button" disabled={busy} onClick={() => void revoke(token.tokenId)}>{t('tokenRevoke')}</button>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <form aria-label={t('tokenIssue')} onSubmit={(e) => { e.preventDefault(); void issue(); }}>
            <h3>{t('tokenIssue')}: {shownFor}</h3>
            <label>
              {t('tokenLabel')}
              <input name="tokenLabel" maxLength={100} value={label} onChange={(e) => setLabel(e.target.value)} />
            </label>
            <label>
              {t('tokenLifetime')}
              <select name="tokenLifetime" value={days} onChange={(e) => setDays(Number(e.target.value))}>
                {lifetimesDays.map((d) => <option key={d} value={d}>{d} {t('days')}</option>)}
              </select>
            </label>
            <button type="submit" disabled={busy}>{t('tokenIssue')}</button>
          </form>
        </>
      )}
    </section>
  );
}
