/**
 * The risk service's own settings, read and checked at start with the common ones. Every one
 * has a default, so the service starts with no extra environment; thresholds are deployment
 * policy (docs/risk.md lists what each one does).
 */
import { readFileSync } from 'node:fs';
import { parse, type Setting, type Spec } from '@cascade/config';
import { Amount } from '@cascade/money';
import { assessmentPolicyDefaults, type AssessmentPolicy } from './domain/assessment.ts';
import { warningPolicyDefaults, type WarningPolicy } from './domain/warnings.ts';
import { defaultScorecardFile } from './default-scorecard.ts';

const share = (raw: string): number => {
  if (!/^0(\.\d{1,6})?$|^1(\.0{1,6})?$/.test(raw)) throw new Error('must be a share from 0 to 1, e.g. 0.5');
  return Number(raw);
};
const amount = (raw: string): string => {
  if (!Amount.isValid(raw)) throw new Error('must be an amount with two decimals, e.g. 1000000.00');
  return raw;
};

function setting<T>(env: string, doc: string, parser: (raw: string) => T, dflt: T): Setting<T> {
  return { env, doc, parse: parser, default: dflt };
}

const a = assessmentPolicyDefaults;
const w = warningPolicyDefaults;

export const riskSettings = {
  scorecardFile: setting('RISK_SCORECARD_FILE', 'the scorecard JSON enterprises are scored with (the shipped one is trained on synthetic data)', parse.string, defaultScorecardFile),
  genesisFile: setting('RISK_GENESIS_FILE', "the ledger's genesis (public): its chain id and the invoices service's fact key, to check PayableConfirmed signatures; empty: four-flow scores stay unknown", parse.string, ''),
  consumerGroupId: setting('RISK_CONSUMER_GROUP', 'Kafka consumer group of the event consumer', parse.string, 'risk-events'),
  consumerSessionTimeoutMs: setting('RISK_CONSUMER_SESSION_TIMEOUT_MS', 'Kafka session timeout of the consumer', parse.int(4_000, 60_000), 6_000),
  consumerStallMs: setting('RISK_CONSUMER_STALL_MS', '/ready fails when consumed events wait this long without being applied', parse.int(1_000, 3_600_000), 60_000),
  maturityDaysMin: setting('RISK_MATURITY_DAYS_MIN', 'hard rule: fewer days to maturity than this rejects', parse.int(0, 365), a.maturityDaysMin),
  fourFlowScoreMin: setting('RISK_FOUR_FLOW_SCORE_MIN', 'soft signal: a backing payable scored below this', parse.int(0, 100), a.fourFlowScoreMin),
  cycleWindowDays: setting('RISK_CYCLE_WINDOW_DAYS', 'soft signal: transfer cycles back to the holder within this many days', parse.int(1, 3_660), a.cycleWindowDays),
  velocityWindowHours: setting('RISK_VELOCITY_WINDOW_HOURS', 'soft signal window: hops of the voucher within this many hours', parse.int(1, 8_760), a.velocityWindowHours),
  velocityHopsMax: setting('RISK_VELOCITY_HOPS_MAX', 'soft signal: more hops than this in the window', parse.int(1, 64), a.velocityHopsMax),
  concentrationShareMax: setting('RISK_CONCENTRATION_SHARE_MAX', "soft signal: a funder's financed book more than this share on one issuer", share, a.concentrationShareMax),
  concentrationBookMin: setting('RISK_CONCENTRATION_BOOK_MIN', 'the concentration signal applies to books of at least this amount', amount, a.concentrationBookMin),
  issuerExposureMax: setting('RISK_ISSUER_EXPOSURE_MAX', 'soft signal: financed exposure to one issuer across all funders above this', amount, a.issuerExposureMax),
  approvePdMax: setting('RISK_APPROVE_PD_MAX', "soft signal: the issuer's PD above this", share, a.approvePdMax),
  taxFallShareMax: setting('RISK_TAX_FALL_SHARE_MAX', 'warning: tax paid (3 months against the 3 before) falling by more than this share', share, w.taxFallShareMax),
  litigationLookbackDays: setting('RISK_LITIGATION_LOOKBACK_DAYS', 'warning: a new case as defendant filed within this many days', parse.int(1, 3_660), w.litigationLookbackDays),
  platformConcentrationShareMax: setting('RISK_PLATFORM_CONCENTRATION_SHARE_MAX', "warning: one issuer's share of all financing on the platform above this", share, w.concentrationShareMax),
  platformConcentrationMin: setting('RISK_PLATFORM_CONCENTRATION_MIN', 'the platform concentration warning applies once the platform has financed at least this', amount, w.concentrationPlatformMin),
  workflowsUrl: setting('RISK_WORKFLOWS_URL', "base URL of the workflows service's internal API: an assessment reads the financing registry (中登网) search there and declines on a registration in force (registryHit); empty: not asked", parse.string, 'http://127.0.0.1:3004'),
} satisfies Spec;

export type RiskConfig = { [K in keyof typeof riskSettings]: ReturnType<(typeof riskSettings)[K]['parse']> };

export function assessmentPolicyOf(c: RiskConfig): AssessmentPolicy {
  return {
    maturityDaysMin: c.maturityDaysMin,
    fourFlowScoreMin: c.fourFlowScoreMin,
    cycleWindowDays: c.cycleWindowDays,
    velocityWindowHours: c.velocityWindowHours,
    velocityHopsMax: c.velocityHopsMax,
    concentrationShareMax: c.concentrationShareMax,
    concentrationBookMin: c.concentrationBookMin,
    issuerExposureMax: c.issuerExposureMax,
    approvePdMax: c.approvePdMax,
  };
}

export function warningPolicyOf(c: RiskConfig): WarningPolicy {
  return { taxFallShareMax: c.taxFallShareMax, litigationLookbackDays: c.litigationLookbackDays, concentrationShareMax: c.platformConcentrationShareMax, concentrationPlatformMin: c.platformConcentrationMin };
}

/** What the service needs of the ledger's genesis to check the invoices service's facts. */
export interface FactKey {
  chain: string;
  key: { keyId: string; alg: 'ed25519' | 'sm2'; publicKey: Uint8Array };
}

export function readFactKey(genesisFile: string): FactKey | null {
  if (genesisFile === '') return null;
  const g = JSON.parse(readFileSync(genesisFile, 'utf8')) as { chainId?: unknown; services?: { invoices?: { keyId?: unknown; alg?: unknown; publicKey?: unknown } } };
  const k = g.services?.invoices;
  if (typeof g.chainId !== 'string' || !k || typeof k.keyId !== 'string' || (k.alg !== 'ed25519' && k.alg !== 'sm2') || typeof k.publicKey !== 'string' || !/^[0-9a-f]+$/.test(k.publicKey)) {
    throw new Error(`${genesisFile} is not a ledger genesis naming the invoices service key (chainId, services.invoices {keyId, alg, publicKey})`);
  }
  return { chain: g.chainId, key: { keyId: k.keyId, alg: k.alg, publicKey: Buffer.from(k.publicKey, 'hex') } };
}
