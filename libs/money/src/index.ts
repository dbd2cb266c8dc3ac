/** `@cascade/money`: CNY amounts on decimal.js, pro-rata allocation and ACT/360 discount interest. */
export {
  Amount,
  MoneyDecimal,
  MoneyError,
  amountFenMax,
  amountMaxText,
  amountPattern,
  amountTextLengthMax,
  fenText,
  signedAmountPattern,
} from './amount.ts';
export { allocate, allocationWeightsMax } from './allocate.ts';
export {
  annualRatePattern,
  dayCountBasisDays,
  discountInterest,
  interestDaysMax,
  isAnnualRate,
  parseAnnualRate,
} from './interest.ts';
