/** A funder's early-warning alerts (GET /v1/alerts): each with its rule, severity and text; acknowledged with a note. */
import { useCallback, useEffect, useState } from 'react';
import type { Alert } from '@cascade/sdk/client';
import type { MessageKey } from '../shared/i18n.ts';
import { formatInstant } from '../shared/dates.ts';
import { formatAmount, isAmount } from '../shared/money.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';

const ruleKey: Record<string, MessageKey> = { taxPaidFalling: 'rule_taxPaidFalling', newLitigation: 'rule_newLitigation', issuerOverdue: 'rule_issuerOverdue', concentrationAboveLimit: 'rule_concentrationAboveLimit' };
const severityKey: Record<string, MessageKey> = { high: 'severity_high', medium: 'severity_medium', low: 'severity_low' };

/** An alert's text in Chinese, from its facts, for the rules the risk service raises; its own (English) text otherwise. */
export function alertText(a: Pick<Alert, 'rule' | 'text' | 'facts'>, lang: 'zh' | 'en'): string {
  if (lang === 'en') return a.text;
  const f = (k: string): string => {
    const v = a.facts[k];
    const s = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    return isAmount(s) ? formatAmount(s) : s;
  };
  const has = (...keys: string[]) => keys.every((k) => f(k) !== '');
  if (a.rule === 'newLitigation' && has('caseId', 'filedOn', 'amount')) return `案件 ${f('caseId')}（${f('filedOn')} 立案）将其列为被告，涉案金额 ${f('amount')} 元`;
  if (a.rule === 'taxPaidFalling' && has('recent', 'prior', 'fallPercent')) return `截至 ${f('latestPeriod')} 的近三个月纳税 ${f('recent')} 元，前三个月 ${f('prior')} 元，下降 ${f('fallPercent')}%`;
  if (a.rule === 'issuerOverdue' && has('rootId', 'outstanding')) return `凭证树 ${f('rootId')} 已逾期：${f('leaves')} 张凭证未结清 ${f('outstanding')} 元`;
  if (a.rule === 'concentrationAboveLimit' && has('issuerFinanced', 'platformFinanced', 'percent')) return `平台已融资 ${f('platformFinanced')} 元中有 ${f('issuerFinanced')} 元在该开立方：${f('percent')}%`;
  return a.text;
}

export function Alerts() {
  const { session, t, lang } = useSession();
  const [items, setItems] = useState<Alert[] | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setItems((await session.client.listAlerts({ limit: 100 })).items);
      setError(null);
    } catch (e) {
      setError(describeError(e, lang));
    }
  }, [session]);
  useEffect(() => void load(), [load]);

  async function acknowledge(alertId: string) {
    try {
      await session.client.acknowledgeAlert(alertId, notes[alertId]?.trim() || undefined);
      await load();
    } catch (e) {
      setError(describeError(e, lang));
    }
  }

  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t('alertsTitle')}</h2>
      <button type="button" onClick={() => void load()}>{t('refresh')}</button>
      {error && <p role="alert">{error}</p>}
      {items === null ? (
        <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('raisedAt')}</th>
              <th scope="col">{t('subject')}</th>
              <th scope="col">{t('alertRule')}</th>
              <th scope="col">{t('severity')}</th>
              <th scope="col">{t('alertText')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.alertId} data-alert={a.alertId} data-rule={a.rule} data-acknowledged={a.acknowledgedAt !== null}>
                <td className="date">{formatInstant(a.raisedAt, lang)}</td>
                <td>{a.subject}</td>
                <td>{ruleKey[a.rule] ? t(ruleKey[a.rule]!) : a.rule}</td>
                <td>{severityKey[a.severity] ? t(severityKey[a.severity]!) : a.severity}</td>
                <td title={a.text}>{alertText(a, lang)}</td>
                <td className="actions">
                  {a.acknowledgedAt ? (
                    <span data-testid="acknowledged">{`${t('acknowledged')} ${formatInstant(a.acknowledgedAt, lang)}${a.note ? ` · ${a.note}` : ''}`}</span>
                  ) : (
                    <>
                      <label>
                        {t('note')}
                        <input name={`note-${a.alertId}`} value={notes[a.alertId] ?? ''} onChange={(e) => setNotes({ ...notes, [a.alertId]: e.target.value })} />
                      </label>
                      <button type="button" onClick={() => void acknowledge(a.alertId)}>{t('acknowledge')}</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
