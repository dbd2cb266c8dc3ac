/**
 * The risk service's assessment of a financing request and the registry (中登网) search, as a
 * funder reads them: the recommendation, score, PD and grade, each reason named in the page's
 * language (the service's own detail beside it), and the search's registrations in force.
 */
import type { Assessment, FinancingRegistryView } from '@cascade/sdk/client';
import type { Lang, MessageKey } from '../shared/i18n.ts';
import { formatInstant } from '../shared/dates.ts';
import { formatAmount } from '../shared/money.ts';
import { useSession } from '../shared/session.tsx';

/** What each reason code means, in both languages (the risk service's detail follows it). */
const reasonNames: Record<string, { zh: string; en: string }> = {
  voucherFrozen: { zh: '凭证已被监管方冻结', en: 'the voucher is frozen by a regulator' },
  issuerOverdue: { zh: '开立方在平台上有逾期凭证', en: 'the issuer has overdue vouchers on the platform' },
  backingInvoiceVoid: { zh: '凭证所依据的发票已作废或冲红', en: 'an invoice behind the voucher was voided or reversed' },
  maturityTooClose: { zh: '距到期日过近，不宜融资', en: 'the voucher matures too soon to finance' },
  productUnknown: { zh: '资金方没有该编号的有效融资产品', en: 'the funder has no active product with this id' },
  productIneligible: { zh: '凭证不符合该融资产品的条件', en: 'the voucher does not fit the product' },
  productTermsBeyondRequest: { zh: '产品利率或费用高于持有方可接受的上限', en: "the product's rate or fees are above what the holder accepts" },
  productDailyLimitExceeded: { zh: '将超过该产品的单日额度', en: "the product's daily limit would be passed" },
  registryHit: { zh: '中登网上有该应收账款的有效登记', en: 'the financing registry (中登网) holds a registration in force' },
  voucherNotSeen: { zh: '风控服务尚未看到该凭证的开立', en: 'the risk service has not seen this voucher issued' },
  fourFlowLow: { zh: '四流合一评分偏低，贸易背景证据不足', en: 'the trade behind the voucher is poorly evidenced (four-flow score)' },
  transferCycle: { zh: '价值在参与方之间循环流转回到持有方', en: 'value went around a cycle of parties back to the holder' },
  relatedParties: { zh: '持有方与其他参与方有相同法定代表人或地址', en: 'the holder shares a legal representative or address with another party' },
  transferVelocity: { zh: '凭证在短时间内多次流转', en: 'the voucher passed through many hands in a short time' },
  funderConcentration: { zh: '本笔融资将使资金方对该开立方的集中度过高', en: "the financing would concentrate the funder's book on this issuer" },
  issuerExposureHigh: { zh: '平台对该开立方的融资敞口将超过限额', en: "the platform's financed exposure to the issuer would pass its limit" },
  pdAboveApproveMax: { zh: '开立方违约概率高于免复核上限', en: "the issuer's probability of default is above what is approved without review" },
};
const kindNames: Record<string, { zh: string; en: string }> = {
  hardRule: { zh: '硬性规则', en: 'Hard rule' },
  softSignal: { zh: '预警信号', en: 'Signal' },
  score: { zh: '评分', en: 'Score' },
  note: { zh: '说明', en: 'Note' },
};

/** The service's text without its English label (named above in the page's language). */
function detailOf(code: string, text: string): string {
  return reasonNames[code] && text.includes(': ') ? text.slice(text.indexOf(': ') + 2) : text;
}

export function reasonLine(reason: { code: string; kind: string; text: string }, lang: Lang): string {
  const kind = kindNames[reason.kind]?.[lang] ?? reason.kind;
  const name = reasonNames[reason.code]?.[lang];
  if (!name) return `${kind}: ${reason.text}`;
  return lang === 'zh' ? `${kind} · ${name}（${reason.code}）: ${detailOf(reason.code, reason.text)}` : `${kind} · ${name} (${reason.code}): ${detailOf(reason.code, reason.text)}`;
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
