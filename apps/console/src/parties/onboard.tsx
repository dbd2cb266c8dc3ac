/** The operator onboards a party: its id, name, roles and the public key it sent (PEM or hex). */
import { useState } from 'react';
import type { PublicKeyInput, Role } from '@cascade/sdk/client';
import { publicKeyFromText } from '../keys/pem.ts';
import type { MessageKey } from '../shared/i18n.ts';
import { useSession } from '../shared/session.tsx';
import { SignDialog, type PendingCommand } from '../shared/sign-dialog.tsx';

const allRoles: Role[] = ['core', 'supplier', 'funder', 'regulator', 'operator'];

export function Onboarding() {
  const { t } = useSession();
  const [partyId, setPartyId] = useState('');
  const [uscc, setUscc] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['supplier']);
  const [keyText, setKeyText] = useState('');
  const [alg, setAlg] = useState<'ed25519' | 'sm2'>('ed25519');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingCommand | null>(null);

  function prepare() {
    let key: PublicKeyInput;
    try {
      key = publicKeyFromText(keyText, alg);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    setError(null);
    setPending({ type: 'party.register', payload: { partyId: partyId.trim(), uscc: uscc.trim() || null, name: name.trim(), roles, publicKeys: [key] } });
  }

  return (
    <section aria-labelledby="onboard-title">
      <h2 id="onboard-title">{t('onboard')}</h2>
      {pending && <SignDialog pending={pending} onDone={() => setPending(null)} />}
      <form aria-label={t('onboard')} onSubmit={(e) => { e.preventDefault(); prepare(); }}>
        <label>
          {t('partyId')}
          <input name="newPartyId" value={partyId} onChange={(e) => setPartyId(e.target.value)} required />
        </label>
        <label>
          {t('uscc')}
          <input name="newUscc" value={uscc} onChange={(e) => setUscc(e.target.value)} />
        </label>
        <label>
          {t('name')}
          <input name="newName" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <fieldset>
          <legend>{t('roles')}</legend>
          {allRoles.map((role) => (
            <label key={role} className="inline">
              <input type="checkbox" name={`role-${role}`} checked={roles.includes(role)} onChange={(e) => setRoles(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role))} />
              {t(`role_${role}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('alg')}
          <select name="alg" value={alg} onChange={(e) => setAlg(e.target.value as 'ed25519' | 'sm2')}>
            <option value="ed25519">Ed25519</option>
            <option value="sm2">SM2</option>
          </select>
        </label>
        <label>
          {t('publicKey')}
          <textarea name="newPublicKey" rows={4} value={keyText} onChange={(e) => setKeyText(e.target.value)} required />
        </label>
        {error && <p role="alert">{error}</p>}
        <button type="submit" disabled={!partyId.trim() || !name.trim() || !roles.length || !keyText.trim()}>{t('prepare')}</button>
      </form>
    </section>
  );
}
