/** A funder's early-warning alerts (GET /v1/alerts): each with its rule, severity and text; acknowledged with a note. */
import { useCallback, useEffect, useState } from 'react';
import type { Alert } from '@cascade/sdk/client';
import { fill, keyOf, translate, type Lang, type MessageKey } from '../shared/i18n.ts';
import { formatInstant } from '../shared/dates.ts';
import { formatAmount, isAmount } from '../shared/money.ts';
import { describeError } from '../shared/problem.ts';
import { useSession } from '../shared/session.tsx';
import { Loaded } from '../shared/loaded.tsx';

const ruleKey: Record<string, MessageKey> = { taxPaidFalling: 'rule_taxPaidFalling', newLitigation: 'rule_newLitigation', issuerOverdue: 'rule_issuerOverdue', concentrationAboveLimit: 'rule_concentrationAboveLimit' };
const severityKey: Record<string, MessageKey> = { high: 'severity_high', medium: 'severity_medium', low: 'severity_low' };

/** An alert's text from its facts through the catalog, for the rules the risk service raises; the service's own (English) text otherwise. */
export function alertText(a: Pick<Alert, 'rule' | 'text' | 'facts'>, lang: Lang): string {
  const key = keyOf(`alert_${a.rule}`);
  if (!key) return a.text;
  const values: Record<string, string> = {};
  for (const [name, v] of Object.entries(a.facts)) {
    const text = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    values[name] = isAmount(text) ? formatAmount(text) : text;
  }
  return fill(translate(lang, key), values) ?? a.text;
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
      <Loaded items={items}>
        {(items) => (
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
      </Loaded>
    </section>
  );
}
