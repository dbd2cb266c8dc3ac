/**
 * The keys this browser keeps (IndexedDB), for signing in: choose one — a WebCrypto key signs at
 * once, a passphrase key once unlocked — or delete one (asked twice).
 */
import { useEffect, useState } from 'react';
import type { AnySigner } from '@cascade/sdk/client';
import type { MessageKey } from '../shared/i18n.ts';
import { deleteStoredKey, listStoredKeys, signerOfStored, WrongPassphrase, type StoredKey } from './browser-keys.ts';

export function StoredKeys({ t, reloadKey, onChosen }: { t: (key: MessageKey) => string; reloadKey: number; onChosen: (signer: AnySigner | null, partyId: string | null) => void }) {
  const [keys, setKeys] = useState<StoredKey[]>([]);
  const [chosen, setChosen] = useState<StoredKey | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () => listStoredKeys().then(setKeys, (e: Error) => setError(e.message));
  useEffect(() => void load(), [reloadKey]);

  async function choose(key: StoredKey) {
    setChosen(key);
    setPassphrase('');
    setError(null);
    onChosen(null, key.partyId);
    if (key.kind === 'webcrypto') await unlock(key, null);
  }

  async function unlock(key: StoredKey, pass: string | null) {
    setBusy(true);
    try {
      onChosen(await signerOfStored(key, pass), key.partyId);
      setError(null);
    } catch (e) {
      setError(e instanceof WrongPassphrase ? t('wrongPassphrase') : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  async function remove(keyId: string) {
    if (deleting !== keyId) return setDeleting(keyId);
    await deleteStoredKey(keyId);
    setDeleting(null);
    if (chosen?.keyId === keyId) {
      setChosen(null);
      onChosen(null, null);
    }
    await load();
  }

  if (keys.length === 0) return null;
  return (
    <fieldset className="stored-keys" data-testid="stored-keys">
      <legend>{t('storedKeys')}</legend>
      {keys.map((k) => (
        <div key={k.keyId} className="stored-key">
          <label className="inline">
            <input type="radio" name="storedKey" value={k.keyId} checked={chosen?.keyId === k.keyId} onChange={() => void choose(k)} />
            {`${k.label} · ${k.alg === 'ed25519' ? 'Ed25519' : 'SM2'}${k.kind === 'webcrypto' ? ' (WebCrypto)' : ` (${t('passphraseProtected')})`}${k.partyId ? ` · ${k.partyId}` : ''}`} <code>{k.keyId}</code>
          </label>
          <button type="button" onClick={() => void remove(k.keyId)}>{deleting === k.keyId ? t('confirmDelete') : t('delete')}</button>
        </div>
      ))}
      {chosen?.kind === 'encrypted' && (
        <>
          <label>
            {t('passphrase')}
            <input name="storedKeyPassphrase" type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
          <button type="button" disabled={busy || !passphrase} onClick={() => void unlock(chosen, passphrase)}>{t('unlockKey')}</button>
        </>
      )}
      {error && <p role="alert">{error}</p>}
    </fieldset>
  );
}
