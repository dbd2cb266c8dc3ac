/**
 * Inclusion proofs in the page: a voucher's history (`GET /v1/vouchers/{id}/history`, the
 * operations the viewer may see), each operation's proof downloaded as a JSON file
 * (`GET /v1/operations/{opId}/proof`, written as `cascade proof` writes it) and verified here
 * against the chain's block-signing key (`GET /v1/chain`), with the checks `cascade verify-proof`
 * runs (`@cascade/chain/browser`). A proof file can also be chosen and verified, whoever made it.
 * The page decides nothing: the verdict is the verifier's, its reason shown as it gives it.
 */
import { useEffect, useState } from 'react';
import type { ChainInfo, VoucherHistory } from '@cascade/sdk/client';
import { ledgerKeyCheck, verifyProof, type InclusionProof, type ProofVerdict } from '@cascade/chain/browser';
import { formatInstant } from '../shared/dates.ts';
import type { MessageKey } from '../shared/i18n.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';

/** A proof file larger than this is not read (the CLI's bound). */
export const proofFileCharsMax = 4 * 1024 * 1024;

interface Checked {
  source: string;
  verdict: ProofVerdict;
  proof: InclusionProof | null;
}

/** The verifier's reasons, in the reader's language (the reason itself is kept beside it). */
const reasonKeys: [RegExp, MessageKey][] = [
  [/^block hash does not match/, 'proofReasonHeader'],
  [/^block signature is not valid/, 'proofReasonSignature'],
  [/^operation is not included/, 'proofReasonMerkle'],
];

export function Proofs() {
  const { session, t, lang } = useSession();
  const [voucherId, setVoucherId] = useState('');
  const [history, setHistory] = useState<VoucherHistory | null>(null);
  const [chain, setChain] = useState<ChainInfo | null>(null);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => void session.client.chain().then(setChain, (e: unknown) => setError(describeError(e, lang))), [session]);

  async function loadHistory() {
    try {
      setHistory(await session.client.getVoucherHistory(voucherId.trim()));
      setError(null);
    } catch (e) {
      setHistory(null);
      setError(describeError(e, lang));
    }
  }

  function check(proof: InclusionProof | null, source: string, unreadable?: string) {
    if (!chain) return;
    const verdict: ProofVerdict = proof ? verifyProof(proof, ledgerKeyCheck(chain.ledgerKey)) : { ok: false, reason: unreadable ?? 'not a proof' };
    setChecked({ source, verdict, proof });
  }

  async function download(opId: string) {
    try {
      const proof = (await session.client.getProof(opId)) as unknown as InclusionProof;
      const url = URL.createObjectURL(new Blob([`${JSON.stringify(proof, null, 2)}\n`], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `proof-${opId}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      check(proof, `proof-${opId}.json`);
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }

  async function upload(file: File | undefined) {
    if (!file) return;
    if (file.size > proofFileCharsMax) return check(null, file.name, `the file is larger than ${proofFileCharsMax} bytes`);
    let proof: InclusionProof | null = null;
    let unreadable: string | undefined;
    try {
      proof = JSON.parse(await file.text()) as InclusionProof;
    } catch (e) {
      unreadable = `not JSON: ${(e as Error).message}`;
    }
    check(proof, file.name, unreadable);
  }

  const header = checked?.proof?.block?.header;
  const reasonKey = checked && !checked.verdict.ok ? reasonKeys.find(([re]) => re.test((checked.verdict as { reason: string }).reason))?.[1] : undefined;
  return (
    <section aria-labelledby="proofs-title">
      <h2 id="proofs-title">{t('proofsTitle')}</h2>
      <p>{t('proofsHint')}</p>
      {chain && <p data-testid="ledger-key">{t('ledgerKey')}: <code>{chain.ledgerKey.keyId}</code> · {t('chainId')}: <code>{chain.chainId}</code></p>}
      <form aria-label={t('proofHistory')} onSubmit={(e) => { e.preventDefault(); void loadHistory(); }}>
        <label>
          {t('voucherId')}
          <input name="proofVoucherId" value={voucherId} onChange={(e) => setVoucherId(e.target.value)} />
        </label>
        <button type="submit" disabled={!voucherId.trim()}>{t('proofHistory')}</button>
      </form>
      {history && (
        <table aria-label={t('proofHistory')}>
          <thead>
            <tr>
              <th scope="col">{t('opSeq')}</th>
              <th scope="col">{t('opType')}</th>
              <th scope="col">{t('opActor')}</th>
              <th scope="col">{t('opCommittedAt')}</th>
              <th scope="col">{t('blockHeight')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {history.operations.map((op) => (
              <tr key={op.opId} data-op={op.opId} data-type={op.type}>
                <td className="num">{op.seq}</td>
                <td><code>{op.type}</code></td>
                <td>{op.actor ?? '—'}</td>
                <td className="date">{formatInstant(op.committedAt, lang)}</td>
                <td className="num">{op.blockHeight ?? t('notSealedYet')}</td>
                <td className="actions">
                  <button type="button" disabled={op.blockHeight === null || !chain} onClick={() => void download(op.opId)}>{t('downloadAndVerify')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <label>
        {t('proofFile')}
        <input name="proofFile" type="file" accept=".json,application/json" onChange={(e) => void upload(e.target.files?.[0])} />
      </label>
      {checked && (
        <section aria-labelledby="proof-result-title" className={checked.verdict.ok ? 'proof proof-valid' : 'proof proof-invalid'} data-testid="proof-result" data-valid={String(checked.verdict.ok)}>
          <h3 id="proof-result-title">
            {checked.verdict.ok ? t('proofValid') : t('proofInvalid')} · <code>{checked.source}</code>
          </h3>
          {!checked.verdict.ok && (
            <p role="alert" data-testid="proof-reason">
              {reasonKey ? `${t(reasonKey)} — ` : ''}
              {checked.verdict.reason}
            </p>
          )}
          {header && (
            <dl>
              <dt>{t('opId')}</dt>
              <dd><code data-testid="proof-op">{String((checked.proof!.record as { opId?: unknown } | null)?.opId ?? '—')}</code></dd>
              <dt>{t('blockHeight')}</dt>
              <dd data-testid="proof-height">{String(header.height)}</dd>
              <dt>{t('merkleRoot')}</dt>
              <dd><code data-testid="proof-root">{String(header.merkleRoot)}</code></dd>
              <dt>{t('sealedAt')}</dt>
              <dd>{typeof header.time === 'string' ? formatInstant(header.time, lang) : '—'}</dd>
              <dt>{t('signedBy')}</dt>
              <dd><code>{String(checked.proof!.block.signature?.keyId ?? '—')}</code></dd>
            </dl>
          )}
        </section>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
