/**
 * The regulator checks the chain in its own browser: every block header from height 0
 * (`GET /v1/blocks`) against the ledger's published key (`GET /v1/chain`) — hash links, header
 * hashes, signatures (the SDK's `verifyChainHeaders`, which runs in a browser; the key's id is
 * checked to be its own). A header changed anywhere fails here, at its height; the key itself
 * comes from the same gateway, so its id is shown to be compared with the genesis.
 */
import { useState } from 'react';
import { verifyChainHeaders, type ChainHeadersProblemCode, type ChainHeadersVerdict } from '@cascade/sdk/client';
import { formatInstant } from '../shared/dates.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';

/** The SDK's problem codes in Chinese; its English reason follows for support. */
const problemZh: Record<ChainHeadersProblemCode, string> = {
  otherChain: '区块不属于本链',
  heightNotNext: '区块高度不连续',
  prevHashMismatch: '前一区块哈希不匹配，链接断裂',
  headerAltered: '区块头被篡改：哈希不符',
  signatureInvalid: '签名不是账本密钥所签',
};

export function ChainCheck() {
  const { session, t, lang } = useSession();
  const [verdict, setVerdict] = useState<ChainHeadersVerdict | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function verify() {
    setVerdict(null);
    setError(null);
    setProgress(0);
    try {
      setVerdict(await verifyChainHeaders(session.client, { onProgress: setProgress }));
    } catch (e) {
      setError(describeError(e, lang));
    } finally {
      setProgress(null);
    }
  }

  const head = verdict?.head;
  return (
    <section aria-labelledby="chain-title">
      <h2 id="chain-title">{t('chainTitle')}</h2>
      <p>{t('chainHint')}</p>
      <button type="button" disabled={progress !== null} onClick={() => void verify()}>{t('chainVerify')}</button>
      {progress !== null && <p role="status">{t('chainVerifying')} {progress}</p>}
      {error && <p role="alert">{error}</p>}
      {verdict && (
        <div role="status" data-testid="chain-verdict" data-ok={verdict.problem ? 'false' : 'true'} className={verdict.problem ? 'refused' : 'ok'}>
          {verdict.problem ? (
            <p>{`${t('chainFailed')} ${verdict.problem.height}: ${lang === 'zh' ? `${problemZh[verdict.problem.code]} — ` : ''}${verdict.problem.reason} (${t('chainVerifiedBefore')} ${verdict.verified})`}</p>
          ) : (
            <p>{`${verdict.verified} ${t('chainBlocksVerified')}${verdict.truncated ? ` (${t('chainTruncated')})` : ''}`}</p>
          )}
          {head && (
            <dl>
              <dt>{t('chainHeadHeight')}</dt>
              <dd data-testid="chain-head-height">{head.header.height}</dd>
              <dt>{t('chainHeadHash')}</dt>
              <dd><code data-testid="chain-head-hash">{head.hash}</code></dd>
              <dt>{t('chainHeadTime')}</dt>
              <dd>{formatInstant(head.header.time, lang)}</dd>
            </dl>
          )}
        </div>
      )}
    </section>
  );
}
