/**
 * A funder's financing products (GET /v1/products: its own) and publishing one, or a new version of
 * one (PUT /v1/products/{id}): the grades and issuers it takes, amount and tenor bounds, rate, flat
 * fees and daily limit. The risk service checks the terms against its schema and answers refusals
 * as problems; the page checks the formats first so a mistyped amount is caught before sending.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Grade, Product } from '@cascade/sdk/client';
import { formatInstant } from '../shared/dates.ts';
import { formatAmount, isAmount, toCents } from '../shared/money.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import { Loaded } from '../shared/loaded.tsx';

const grades: Grade[] = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'];
const productIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const ratePattern = /^0(\.\d{1,10})?$/;
const daysOk = (s: string) => /^\d{1,3}$/.test(s) && Number(s) >= 1 && Number(s) <= 366;

export function Products() {
  const { session, t, lang } = useSession();
  const [items, setItems] = useState<Product[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [form, setForm] = useState({ productId: '', name: '', amountMin: '1000.00', amountMax: '5000000.00', tenorDaysMin: '7', tenorDaysMax: '180', annualRate: '0.0365', fees: '150.00', dailyLimit: '10000000.00', issuers: '' });
  const [chosen, setChosen] = useState<Set<Grade>>(new Set(['AAA', 'AA', 'A', 'BBB']));
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  const load = useCallback(async () => {
    try {
      setItems((await session.client.listProducts({ limit: 100 })).items);
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }, [session]);
  useEffect(() => void load(), [load]);

  const amountsOk = [form.amountMin, form.amountMax, form.fees, form.dailyLimit].every(isAmount) && toCents(form.amountMin) <= toCents(form.amountMax);
  const valid = productIdPattern.test(form.productId.trim()) && form.name.trim() !== '' && chosen.size > 0 && amountsOk && daysOk(form.tenorDaysMin) && daysOk(form.tenorDaysMax) && Number(form.tenorDaysMin) <= Number(form.tenorDaysMax) && ratePattern.test(form.annualRate);

  async function publish() {
    try {
      const issuers = form.issuers.split(/[\s,，]+/).filter(Boolean);
      const product = await session.client.publishProduct(form.productId.trim(), {
        name: form.name.trim(),
        eligibleGrades: grades.filter((g) => chosen.has(g)),
        eligibleIssuers: issuers.length ? issuers : null,
        amountMin: form.amountMin,
        amountMax: form.amountMax,
        tenorDaysMin: Number(form.tenorDaysMin),
        tenorDaysMax: Number(form.tenorDaysMax),
        annualRate: form.annualRate,
        fees: form.fees,
        dailyLimit: form.dailyLimit,
      });
      setOutcome(`${t('productPublished')}: ${product.productId} v${product.version}`);
      setError(null);
      await load();
    } catch (e) {
      setOutcome(null);
      setError(describeError(e, lang));
    }
  }

  return (
    <section aria-labelledby="products-title">
      <h2 id="products-title">{t('productsTitle')}</h2>
      <button type="button" onClick={() => void load()}>{t('refresh')}</button>
      <Loaded items={items}>
        {(items) => (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('productId')}</th>
                <th scope="col">{t('name')}</th>
                <th scope="col">{t('eligibleGrades')}</th>
                <th scope="col" className="num">{t('amountRange')}</th>
                <th scope="col">{t('tenorDays')}</th>
                <th scope="col">{t('annualRate')}</th>
                <th scope="col" className="num">{t('fees')}</th>
                <th scope="col" className="num">{t('dailyLimit')}</th>
                <th scope="col">{t('status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.productId} data-product={p.productId} data-version={p.version}>
                  <td><code>{p.productId}</code> v{p.version}</td>
                  <td>{p.name}</td>
                  <td>{p.eligibleGrades.join(' ')}{p.eligibleIssuers ? ` · ${p.eligibleIssuers.length} ${t('issuersOnly')}` : ''}</td>
                  <td className="num">{`${formatAmount(p.amountMin)} – ${formatAmount(p.amountMax)}`}</td>
                  <td>{`${p.tenorDaysMin}–${p.tenorDaysMax}`}</td>
                  <td>{p.annualRate}</td>
                  <td className="num">{formatAmount(p.fees)}</td>
                  <td className="num">{formatAmount(p.dailyLimit)}</td>
                  <td>{`${p.status === 'active' ? t('productActive') : p.status === 'withdrawn' ? t('productWithdrawn') : p.status} · ${formatInstant(p.publishedAt, lang)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <form aria-label={t('publishProduct')} onSubmit={(e) => { e.preventDefault(); if (valid) void publish(); }}>
        <h3>{t('publishProduct')}</h3>
        <label>{t('productId')}<input name="newProductId" value={form.productId} onChange={set('productId')} required /></label>
        <label>{t('name')}<input name="productName" value={form.name} onChange={set('name')} required /></label>
        <fieldset>
          <legend>{t('eligibleGrades')}</legend>
          {grades.map((g) => (
            <label key={g} className="inline">
              <input type="checkbox" checked={chosen.has(g)} onChange={(e) => { const next = new Set(chosen); if (e.target.checked) next.add(g); else next.delete(g); setChosen(next); }} /> {g}
            </label>
          ))}
        </fieldset>
        <label>{t('eligibleIssuers')}<input name="eligibleIssuers" value={form.issuers} onChange={set('issuers')} /></label>
        <label>{t('amountMin')}<input name="amountMin" inputMode="decimal" value={form.amountMin} onChange={set('amountMin')} /></label>
        <label>{t('amountMax')}<input name="amountMax" inputMode="decimal" value={form.amountMax} onChange={set('amountMax')} /></label>
        <label>{t('tenorDaysMin')}<input name="tenorDaysMin" inputMode="numeric" value={form.tenorDaysMin} onChange={set('tenorDaysMin')} /></label>
        <label>{t('tenorDaysMax')}<input name="tenorDaysMax" inputMode="numeric" value={form.tenorDaysMax} onChange={set('tenorDaysMax')} /></label>
        <label>{t('annualRate')}<input name="productRate" value={form.annualRate} onChange={set('annualRate')} /></label>
        <label>{t('fees')}<input name="productFees" inputMode="decimal" value={form.fees} onChange={set('fees')} /></label>
        <label>{t('dailyLimit')}<input name="dailyLimit" inputMode="decimal" value={form.dailyLimit} onChange={set('dailyLimit')} /></label>
        <button type="submit" disabled={!valid}>{t('publishProduct')}</button>
      </form>
      {outcome && <p role="status" className="ok" data-testid="product-outcome">{outcome}</p>}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
