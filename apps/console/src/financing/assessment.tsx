/**
 * The risk service's assessment of a financing request and the registry (中登网) search, as a
 * funder reads them: the recommendation, score, PD and grade, each reason named in the page's
 * language (the service's own detail beside it), and the search's registrations in force.
 */
import type { Assessment, FinancingRegistryView } from '@cascade/sdk/client';
import { keyOf, translate, type Lang, type MessageKey } from '../shared/i18n.ts';
import { formatInstant } from '../shared/dates.ts';
import { formatAmount } from '../shared/money.ts';
import { useSession } from '../shared/session.tsx';

/** The service's text without its English label (named from the catalog in the page's language). */
function detailOf(text: string): string {
  return text.includes(': ') ? text.slice(text.indexOf(': ') + 2) : text;
}

/** A reason as the page shows it: its kind and, for the codes the catalog names, the name and the service's detail. */
export function reasonLine(reason: { code: string; kind: string; text: string }, lang: Lang): string {
  const kindKey = keyOf(`reasonKind_${reason.kind}`);
  const kind = kindKey ? translate(lang, kindKey) : reason.kind;
  const nameKey = keyOf(`reason_${reason.code}`);
  if (!nameKey) return `${kind}: ${reason.text}`;
  const name = translate(lang, nameKey);
  return lang === 'zh' ? `${kind} · ${name}（${reason.code}）: ${detailOf(reason.text)}` : `${kind} · ${name} (${reason.code}): ${detailOf(reason.text)}`;
}

const decisionKey = { approve: 'decision_approve', review: 'decision_review', reject: 'decision_reject' } as const satisfies Record<string, MessageKey>;

export function AssessmentSummary({ assessment }: { assessment: Assessment | null }) {
  const { t } = useSession();
  if (!assessment) return <>{t('notAssessed')}</>;
  const r = assessment.result;
  return (
    <span data-decision={r.decision}>
      <strong className={`decision-${r.decision}`}>{t(decisionKey[r.decision])}</strong>
      <small className="terms">{`${t('grade')} ${r.grade} · ${t('score')} ${r.score} · PD ${r.pd}`}</small>
    </span>
  );
}

export function AssessmentDetails({ assessment }: { assessment: Assessment | null }) {
  const { t, lang } = useSession();
  if (!assessment) return <p>{t('notAssessed')}</p>;
  const r = assessment.result;
  return (
    <section aria-label={t('assessment')} data-testid="assessment-details">
      <h3>{t('assessment')}: {t(decisionKey[r.decision])}</h3>
      <p>
        {`${t('grade')} ${r.grade} · ${t('score')} ${r.score} · PD ${r.pd} · ${t('scorecard')} ${r.scorecardVersion} · ${t('assessedAt')} ${formatInstant(assessment.assessedAt, lang)}`}
      </p>
      {r.terms && (
        <p data-testid="assessment-terms">
          {`${t('productId')} ${r.terms.productId ?? '—'} · ${t('annualRate')} ${r.terms.annualRate} · ${r.terms.days} ${t('days')} · ${t('interest')} ${formatAmount(r.terms.interest)} · ${t('fees')} ${formatAmount(r.terms.fees)} · ${t('net')} ${formatAmount(r.terms.net)}`}
        </p>
      )}
      <h4>{t('reasons')}</h4>
      <ul data-testid="assessment-reasons">
        {r.reasons.map((reason, i) => (
          <li key={i} data-code={reason.code} data-kind={reason.kind}>{reasonLine(reason, lang)}</li>
        ))}
      </ul>
    </section>
  );
}

const registryStatusKey = { new: 'registry_new', searched: 'registry_searched', registered: 'registry_registered', released: 'registry_released' } as const satisfies Record<FinancingRegistryView['registryStatus'], MessageKey>;

export function RegistrySummary({ registry }: { registry: FinancingRegistryView | null }) {
  const { t } = useSession();
  if (!registry) return <>—</>;
  const searched = registry.search.state === 'done';
  return (
    <span data-registry-status={registry.registryStatus} data-active-hits={searched ? registry.search.activeHits.length : undefined}>
      {t(registryStatusKey[registry.registryStatus])}
      {searched && <small className="terms">{`${t('activeHits')} ${registry.search.activeHits.length}`}</small>}
    </span>
  );
}

export function RegistryDetails({ registry }: { registry: FinancingRegistryView | null }) {
  const { t, lang } = useSession();
  return (
    <section aria-label={t('registrySearch')} data-testid="registry-details">
      <h3>{t('registrySearch')}</h3>
      {!registry ? (
        <p>{t('registryUnknown')}</p>
      ) : (
        <>
          <p>
            {`${t(registryStatusKey[registry.registryStatus])} · ${t('searchReport')} ${registry.search.searchReportNumber ?? '—'}${registry.search.searchedAt ? ` · ${formatInstant(registry.search.searchedAt, lang)}` : ''} · ${t('activeHits')} ${registry.search.activeHits.length} / ${t('allHits')} ${registry.search.hits.length}`}
          </p>
          {registry.search.activeHits.length > 0 && (
            <ul>
              {registry.search.activeHits.map((hit) => (
                <li key={hit.registrationNumber}>{`${hit.registrationNumber} · ${hit.kind} · ${hit.grantor.name} → ${hit.securedParty.name}${hit.amount ? ` · ${formatAmount(hit.amount)}` : ''} · ${hit.expiresOn}`}</li>
              ))}
            </ul>
          )}
          {registry.registration.registrationNumber && <p>{`${t('registration')} ${registry.registration.registrationNumber}`}</p>}
        </>
      )}
    </section>
  );
}
