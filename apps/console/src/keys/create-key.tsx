/**
 * Creating a signing key in the page (sign-in screen): the public key to hand to the operator
 * (SPKI PEM, hex and the key id the platform computes), the key file to download as a backup, and
 * — only once it was downloaded — keeping the key in this browser (keys/browser-keys.ts says how).
 */
import { useEffect, useState } from 'react';
import type { AnySigner } from '@cascade/sdk/client';
import type { MessageKey } from '../shared/i18n.ts';
import { createKey, passphraseCharsMin, storeKey, webCryptoEd25519, type KeyAlg, type NewKey } from './browser-keys.ts';

export function CreateKey({ t, onStored }: { t: (key: MessageKey) => string; onStored: (signer: AnySigner) => void }) {
  const [alg, setAlg] = useState<KeyAlg>('ed25519');
  const [label, setLabel] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [webCrypto, setWebCrypto] = useState<boolean | null>(null);
  const [made, setMade] = useState<NewKey | null>(null);
  const [downloaded, setDownloaded] = useState(false);
  const [stored, setStored] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => void webCryptoEd25519().then(setWebCrypto), []);
  const needsPassphrase = alg === 'sm2' || webCrypto === false;

  async function make() {
    setBusy(true);
    setError(null);
    try {
      setMade(await createKey(alg));
      setDownloaded(false);
      setStored(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  function download() {
    if (!made) return;
    const url = URL.createObjectURL(new Blob([made.keyFilePem], { type: 'application/x-pem-file' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${(label.trim() || made.alg).replace(/[^A-Za-z0-9._-]/g, '_')}.key.pem`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setDownloaded(true);
  }

  async function keep() {
    if (!made) return;
    setBusy(true);
    setError(null);
    try {
      if (needsPassphrase && passphrase.length < passphraseCharsMin) throw new Error(t('passphraseTooShort'));
      await storeKey(await made.toStored(label.trim() || made.alg, needsPassphrase ? passphrase : null));
      setStored(true);
      setPassphrase('');
      onStored(made.signer);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="create-key-title" className="create-key">
      <h3 id="create-key-title">{t('createKeyTitle')}</h3>
      <p>{t('createKeyHint')}</p>
      <label>
        {t('alg')}
        <select name="newKeyAlg" value={alg} onChange={(e) => { setAlg(e.target.value as KeyAlg); setMade(null); }}>
          <option value="ed25519">Ed25519{webCrypto ? ' (WebCrypto)' : ''}</option>
          <option value="sm2">SM2</option>
        </select>
      </label>
      <label>
        {t('keyLabel')}
        <input name="newKeyLabel" value={label} maxLength={64} onChange={(e) => setLabel(e.target.value)} />
      </label>
      <button type="button" disabled={busy} onClick={() => void make()}>{t('createKey')}</button>
      {made && (
        <div data-testid="new-key">
          <dl>
            <dt>{t('keyId')}</dt>
            <dd><code data-testid="new-key-id">{made.publicKey.keyId}</code></dd>
            <dt>{t('publicKeyHex')}</dt>
            <dd><code data-testid="new-key-hex">{`${made.alg}:${made.publicKey.publicKey}`}</code></dd>
            <dt>{t('publicKeyPem')}</dt>
            <dd><pre data-testid="new-key-pem">{made.spkiPem}</pre></dd>
          </dl>
          <p>{t('handToOperator')}</p>
          <button type="button" onClick={download}>{t('downloadKeyFile')}</button>
          {needsPassphrase && (
            <label>
              {t('passphrase')}
              <input name="newKeyPassphrase" type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
            </label>
          )}
          <button type="button" disabled={busy || !downloaded || stored} onClick={() => void keep()}>{t('keepInBrowser')}</button>
          {!downloaded && <p>{t('downloadFirst')}</p>}
          {stored && <p role="status" data-testid="key-stored">{made.webCrypto ? t('keyStoredWebCrypto') : t('keyStoredEncrypted')}</p>}
        </div>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
