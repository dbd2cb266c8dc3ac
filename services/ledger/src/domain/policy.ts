/**
 * The deployment's ledger policy: defaults, and hard limits that no configuration can lift.
 */
import { Amount, MoneyDecimal } from '@cascade/money';

export interface LedgerPolicy {
  /** Latest maturity, in calendar months after the issue date. Default 6; never more than 12. */
  readonly maturityMonthsMax: number;
  /** Deepest tier a voucher may have (root = 1). Default 10. */
  readonly treeDepthMax: number;
  /** Most children one transfer may create, remainder included. Default 20. */
  readonly childrenPerTransferMax: number;
  /** Smallest amount of an issued voucher or of any transfer child, as a two-decimal string. Default "0.01". */
  readonly pieceMin: string;
  /** Largest financing fees as a fraction of the voucher amount, a decimal string. Default "0.01" (1 %). */
  readonly financingFeeRateMax: string;
  /** How long a recipient has to accept before the offer may be expired, in ms. Default 7 days. */
  readonly acceptancePeriodMs: number;
  /** Most payables one issue may rest on. Default 50. */
  readonly backingPayablesMax: number;
  /** Oldest `createdAt` of a command still accepted, in ms before now. Default 24 h. */
  readonly commandAgeMaxMs: number;
  /** Furthest `createdAt` may lie ahead of now (signer clock skew), in ms. Default 5 min. */
  readonly commandFutureSkewMs: number;
}

/** The hard limits. A policy outside them is a configuration error, refused at construction. */
export const policyLimits = {
  /** 银发〔2025〕77号: a supply-chain voucher matures at most one year after issue. */
  maturityMonthsMax: 12,
  treeDepthMax: 64,
  childrenPerTransferMax: 1_000,
  acceptancePeriodMsMin: 60_000,
  acceptancePeriodMsMax: 90 * 24 * 60 * 60 * 1000,
  backingPayablesMax: 1_000,
  commandAgeMaxMsMax: 7 * 24 * 60 * 60 * 1000,
} as const;

export const defaultPolicy: LedgerPolicy = Object.freeze({
  maturityMonthsMax: 6,
  treeDepthMax: 10,
  childrenPerTransferMax: 20,
  pieceMin: '0.01',
  financingFeeRateMax: '0.01',
  acceptancePeriodMs: 7 * 24 * 60 * 60 * 1000,
  backingPayablesMax: 50,
  commandAgeMaxMs: 24 * 60 * 60 * 1000,
  commandFutureSkewMs: 5 * 60 * 1000,
});

/** A configuration that breaks a hard limit. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

function integerIn(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new PolicyError(`policy ${name} = ${String(value)} is refused: expected an integer from ${min} to ${max}`);
  }
}

/**
 * Builds a policy from the defaults and `overrides`, checking every hard limit.
 * @throws PolicyError naming the setting and the limit it breaks.
 */
export function createPolicy(overrides: Partial<LedgerPolicy> = {}): LedgerPolicy {
  const p: LedgerPolicy = { ...defaultPolicy, ...overrides };
  integerIn('maturityMonthsMax', p.maturityMonthsMax, 1, policyLimits.maturityMonthsMax);
  integerIn('treeDepthMax', p.treeDepthMax, 1, policyLimits.treeDepthMax);
  integerIn('childrenPerTransferMax', p.childrenPerTransferMax, 2, policyLimits.childrenPerTransferMax);
  integerIn('acceptancePeriodMs', p.acceptancePeriodMs, policyLimits.acceptancePeriodMsMin, policyLimits.acceptancePeriodMsMax);
  integerIn('backingPayablesMax', p.backingPayablesMax, 1, policyLimits.backingPayablesMax);
  integerIn('commandAgeMaxMs', p.commandAgeMaxMs, 1_000, policyLimits.commandAgeMaxMsMax);
  integerIn('commandFutureSkewMs', p.commandFutureSkewMs, 0, 60 * 60 * 1000);
  if (!Amount.isValid(p.pieceMin) || Amount.parse(p.pieceMin).lt(Amount.parse('0.01'))) {
    throw new PolicyError(`policy pieceMin = ${JSON.stringify(p.pieceMin)} is refused: expected an amount of at least 0.01`);
  }
  if (typeof p.financingFeeRateMax !== 'string' || !/^0(\.\d{1,6})?$/.test(p.financingFeeRateMax)) {
    throw new PolicyError(`policy financingFeeRateMax = ${JSON.stringify(p.financingFeeRateMax)} is refused: expected a decimal string from 0 to below 1`);
  }
  return Object.freeze(p);
}

/** The largest fees allowed on `amount`, rounded down to the fen (a cap must never round up). */
export function financingFeeMax(policy: LedgerPolicy, amount: Amount): Amount {
  const cap = amount.toDecimal().times(new MoneyDecimal(policy.financingFeeRateMax));
  return Amount.fromFen(BigInt(cap.times(100).floor().toFixed(0)));
}
