/**
 * The products that fit a voucher, compared before financing is requested
 * (`GET /v1/vouchers/{id}/products`, answered by the risk service): the eligible ones cheapest
 * first with what they cost (interest for the days to maturity, fees, total, net proceeds), and
 * why the others do not fit. Choosing one fills the request with its funder, product, rate and
 * fees; the holder still sees the whole command before signing it. The page ranks nothing itself.
 */
import { useState } from 'react';
import type { Matching, VoucherView } from '@cascade/sdk/client';
import { formatAmount } from '../shared/money.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';

/** The risk service's ineligibility codes in Chinese; its English sentence is shown otherwise (and for a code it adds later). */
const ineligibleZh: Record<string, string> = {
  productWithdrawn: '资金方已下架该产品',
  gradeNotEligible: '核心企业评级不在该产品的准入范围内',
  issuerNotEligible: '该产品只为其列明的核心企业融资',
  amountBelowMinimum: '凭证金额低于该产品的最低金额',
  amountAboveMaximum: '凭证金额高于该产品的最高金额',
  tenorBelowMinimum: '凭证期限短于该产品的最短期限',
  tenorAboveMaximum: '凭证期限长于该产品的最长期限',
  dailyLimitExceeded: '将超过该产品的当日额度',
  costNotBelowAmount: '利息和费用将超过凭证金额',
  rateAboveHolderMaximum: '利率高于您可接受的最高利率',
  feesAboveHolderMaximum: '费用高于您可接受的最高费用',
};

/** A reason as a sentence in the page's language: "sentence: detail" from the service, the detail kept. */
function reasonText(reason: { code: string; text: string }, lang: 'zh' | 'en'): string {
  const zh = lang === 'zh' ? ineligibleZh[reason.code] : undefined;
  if (!zh) return reason.text;
  const at = reason.text.indexOf(': ');
  return at < 0 ? zh : `${zh}（${reason.text.slice(at + 2)}）`;
}

export interface ProductChoice {
  funder: string;
  productId: string;
  annualRate: string;
  fees: string;
}

/** "0.0365" → "3.65%": the decimal point moved on the string, never through a JS number. */
export function formatRate(rate: string): string {
  const [whole = '0', fraction = ''] = rate.split('.');
  const digits = `${fraction}00`;
  const percent = BigInt(`${whole}${digits.slice(0, 2)}`).toString();
  const rest = digits.slice(2).replace(/0+$/, '');
  return `${percent}${rest ? `.${rest}` : ''}%`;
}

export function ProductComparison({ voucher, chosen, onChoose }: { voucher: VoucherView; chosen: ProductChoice | null; onChoose: (choice: ProductChoice) => void }) {
  const { session, t, lang } = useSession();
  const [matching, setMatching] = useState<Matching | null>(null);
  const [funderNames, setFunderNames] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function compare() {
    setBusy(true);
    try {
      const found = await session.client.matchProducts(voucher.voucherId);
      const funders = [...new Set([...found.eligible, ...found.ineligible].map((p) => p.funder))];
      const names = await Promise.all(funders.map((f) => session.client.getParty(f).then((p) => [f, p.name] as const, () => [f, f] as const)));
      setFunderNames(Object.fromEntries(names));
      setMatching(found);
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby={`products-${voucher.voucherId}`} className="products">
      <h4 id={`products-${voucher.voucherId}`}>{t('matchingProductsTitle')}</h4>
      <button type="button" disabled={busy} onClick={() => void compare()}>{t('productsCompare')}</button>
      {error && <p role="alert">{error}</p>}
      {matching && (
        <>
          <p>{t('productsIssuerGrade')}: <strong>{matching.issuerGrade}</strong></p>
          {matching.eligible.length === 0 ? (
            <p data-testid="products-none">{t('productsNone')}</p>
          ) : (
            <table aria-label={t('productsEligible')}>
              <thead>
                <tr>
                  <th scope="col">{t('productsRank')}</th>
                  <th scope="col">{t('productsFunder')}</th>
                  <th scope="col">{t('productId')}</th>
                  <th scope="col" className="num">{t('productsRate')}</th>
                  <th scope="col" className="num">{t('productsDays')}</th>
                  <th scope="col" className="num">{t('interest')}</th>
                  <th scope="col" className="num">{t('fees')}</th>
                  <th scope="col" className="num">{t('productsTotal')}</th>
                  <th scope="col" className="num">{t('productsNet')}</th>
                  <th scope="col">{t('actions')}</th>
                </tr>
              </thead>
              <tbody>
                {matching.eligible.map((p, i) => {
                  const isChosen = chosen?.funder === p.funder && chosen.productId === p.productId;
                  return (
                    <tr key={`${p.funder}/${p.productId}`} data-product={p.productId} data-chosen={isChosen ? 'true' : undefined}>
                      <td>{i + 1}</td>
                      <td>{funderNames[p.funder] ?? p.funder}</td>
                      <td>{p.name} <small><code>{p.productId}</code> v{p.version}</small></td>
                      <td className="num">{formatRate(p.cost.annualRate)}</td>
                      <td className="num">{p.cost.days}</td>
                      <td className="num">{formatAmount(p.cost.interest)}</td>
                      <td className="num">{formatAmount(p.cost.fees)}</td>
                      <td className="num" data-testid="product-total">{formatAmount(p.cost.total)}</td>
                      <td className="num">{formatAmount(p.cost.net)}</td>
                      <td>
                        <button type="button" aria-pressed={isChosen} onClick={() => onChoose({ funder: p.funder, productId: p.productId, annualRate: p.cost.annualRate, fees: p.cost.fees })}>
                          {t('productsChoose')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {matching.ineligible.length > 0 && (
            <>
              <h5>{t('productsIneligible')}</h5>
              <ul aria-label={t('productsIneligible')}>
                {matching.ineligible.map((p) => (
                  <li key={`${p.funder}/${p.productId}`} data-product={p.productId}>
                    {p.name} ({funderNames[p.funder] ?? p.funder}): {p.reasons.map((r) => reasonText(r, lang)).join('；')}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
