/**
 * The console's shell: sign-in (a signed login with the key file, a key kept in this browser, or
 * a pasted bearer token; a key can be created here too), the language switch, and one tab per role
 * the party holds. A key file is read in the page and kept in memory; a key created here is kept in
 * IndexedDB as keys/browser-keys.ts says; only signatures and the bearer token leave the browser.
 */
import { useMemo, useState } from 'react';
import { CascadeClient, type AnySigner, type Role } from '@cascade/sdk/client';
import { Alerts } from './financing/alerts.tsx';
import { Exposure } from './financing/exposure.tsx';
import { Products } from './financing/products.tsx';
import { FinancingRequests } from './financing/requests.tsx';
import { CoreDashboard } from './dashboard/core.tsx';
import { MyFinancing } from './financing/my-financing.tsx';
import { rememberParty } from './keys/browser-keys.ts';
import { CreateKey } from './keys/create-key.tsx';
import { signerFromPem } from './keys/pem.ts';
import { StoredKeys } from './keys/stored-keys.tsx';
import { LiveIndicator, LiveProvider } from './live/live-events.tsx';
import { Onboarding } from './parties/onboard.tsx';
import { Tokens } from './parties/tokens.tsx';
import { Proofs } from './proofs/proofs.tsx';
import { translate, type Lang, type MessageKey } from './shared/i18n.ts';
import { describeError } from './shared/problem.ts';
import { SessionContext, type Session } from './shared/session.tsx';
import { ChainCheck } from './supervision/chain.tsx';
import { Supervision } from './supervision/lookup.tsx';
import { PartySearch } from './supervision/parties.tsx';
import { Holdings } from './vouchers/holdings.tsx';

type Tab = 'vouchers' | 'dashboard' | 'financing' | 'myFinancing' | 'risk' | 'products' | 'proofs' | 'supervision' | 'partySearch' | 'chain' | 'onboarding' | 'tokens';
const tabsOfRole: Record<Role, Tab[]> = { core: ['vouchers', 'dashboard', 'proofs'], supplier: ['vouchers', 'myFinancing', 'proofs'], funder: ['financing', 'risk', 'products', 'vouchers', 'proofs'], regulator: ['supervision', 'partySearch', 'chain', 'proofs'], operator: ['onboarding', 'tokens'] };
const tabLabel: Record<Tab, MessageKey> = { vouchers: 'navVouchers', dashboard: 'navDashboard', financing: 'navFinancing', myFinancing: 'navMyFinancing', risk: 'navRisk', products: 'navProducts', proofs: 'navProofs', supervision: 'navSupervision', partySearch: 'navPartySearch', chain: 'navChain', onboarding: 'navOnboarding', tokens: 'navTokens' };

export function App() {
  const [lang, setLang] = useState<Lang>('zh');
  const [session, setSession] = useState<Session | null>(null);
  const [tab, setTab] = useState<Tab | null>(null);
  const t = useMemo(() => (key: MessageKey) => translate(lang, key), [lang]);
  const tabs = session ? [...new Set(session.roles.flatMap((r) => tabsOfRole[r]))] : [];
  const current = tab && tabs.includes(tab) ? tab : tabs[0];
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';

  return (
    <>
      <header>
        <h1>{t('appTitle')}</h1>
        <button type="button" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} data-testid="switch-lang">{t('switchLang')}</button>
        {session && (
          <>
            <p data-testid="whoami">
              {t('signedInAs')}: <strong>{session.partyId}</strong> · {t('roles')}: {session.roles.map((r) => t(`role_${r}` as MessageKey)).join('、')}
            </p>
            <button type="button" onClick={() => { setSession(null); setTab(null); }}>{t('signOut')}</button>
          </>
        )}
      </header>
      {session ? (
        <SessionContext.Provider value={{ session, lang, t }}>
          <LiveProvider>
            <LiveIndicator />
            <nav aria-label="main">
              {tabs.map((name) => (
                <button type="button" key={name} aria-current={name === current ? 'page' : undefined} onClick={() => setTab(name)}>{t(tabLabel[name])}</button>
              ))}
            </nav>
            <main>
              {current === 'vouchers' && <Holdings />}
              {current === 'dashboard' && <CoreDashboard />}
              {current === 'financing' && <FinancingRequests />}
              {current === 'risk' && (
                <>
                  <Exposure />
                  <Alerts />
                </>
              )}
              {current === 'products' && <Products />}
              {current === 'myFinancing' && <MyFinancing />}
              {current === 'supervision' && <Supervision />}
              {current === 'partySearch' && <PartySearch />}
              {current === 'chain' && <ChainCheck />}
              {current === 'onboarding' && <Onboarding />}
              {current === 'tokens' && <Tokens />}
              {current === 'proofs' && <Proofs />}
            </main>
          </LiveProvider>
        </SessionContext.Provider>
      ) : (
        <main>
          <SignIn t={t} lang={lang} onSignedIn={setSession} />
        </main>
      )}
    </>
  );
}

function SignIn({ t, lang, onSignedIn }: { t: (key: MessageKey) => string; lang: Lang; onSignedIn: (s: Session) => void }) {
  const [partyId, setPartyId] = useState('');
  const [signer, setSigner] = useState<AnySigner | null>(null);
  const [storedReload, setStoredReload] = useState(0);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function loadKey(file: File | undefined) {
    if (!file) return;
    try {
      setSigner(signerFromPem(await file.text()));
      setError(null);
    } catch (e) {
      setSigner(null);
      setError(describeError(e, lang));
    }
  }

  async function signIn(withToken: boolean) {
    setBusy(true);
    try {
      const client = new CascadeClient({ baseUrl: window.location.origin });
      let id = partyId.trim();
      let roles: Role[];
      if (withToken) {
        client.setToken(token.trim());
        const tokens = await client.listTokens();
        id = tokens.items[0]?.partyId ?? id;
        roles = (await client.getParty(id)).roles;
      } else {
        if (!signer) throw new Error(t('keyNeeded'));
        roles = (await client.login(id, signer, { label: 'web console' })).roles;
        // A key kept in this browser remembers whom it signed in as, for next time.
        await rememberParty(signer.keyId, id).catch(() => undefined);
      }
      onSignedIn({ client, partyId: id, roles, signer });
    } catch (e) {
      setError(describeError(e, lang));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <form aria-labelledby="signin-title" onSubmit={(e) => { e.preventDefault(); void signIn(false); }}>
        <h2 id="signin-title">{t('signIn')}</h2>
        <label>
          {t('partyId')}
          <input name="partyId" autoComplete="username" value={partyId} onChange={(e) => setPartyId(e.target.value)} />
        </label>
        <StoredKeys
          t={t}
          reloadKey={storedReload}
          onChosen={(chosen, knownParty) => {
            setSigner(chosen);
            if (knownParty && !partyId.trim()) setPartyId(knownParty);
          }}
        />
        <label>
          {t('keyFile')}
          <input name="keyFile" type="file" accept=".pem,.key,application/x-pem-file" onChange={(e) => void loadKey(e.target.files?.[0])} />
        </label>
        {signer && <p role="status" data-testid="key-loaded">{t('keyLoaded')}: <code>{signer.keyId}</code></p>}
        <button type="submit" disabled={busy || !signer || !partyId.trim()}>{t('signInWithKey')}</button>
        <label>
          {t('token')}
          <input name="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        <button type="button" disabled={busy || !token.trim()} onClick={() => void signIn(true)}>{t('signInWithToken')}</button>
        {error && <p role="alert">{error}</p>}
      </form>
      <CreateKey
        t={t}
        onStored={(made) => {
          setSigner(made);
          setStoredReload((n) => n + 1);
        }}
      />
    </>
  );
}
