/**
 * Refusals of this library, each a named code that reads as a sentence. An operational error
 * (bad input from a caller or a bank file) is a `PaymentFileError`; a broken invariant inside
 * the library is an `Error` from `assert` and should stop the process.
 */
export type PaymentFileErrorCode =
  | 'textMustNotBeEmpty'
  | 'textMustFitLength'
  | 'textMustHaveNoControlCharacters'
  | 'amountMustBeTwoDecimalCny'
  | 'amountMustBePositive'
  | 'currencyMustBeCny'
  | 'ibanMustBeWellFormed'
  | 'accountNumberMustBeWellFormed'
  | 'bicMustBeWellFormed'
  | 'bankCodeMustBeWellFormed'
  | 'dateMustBeIsoCalendarDate'
  | 'batchMustHaveTransfers'
  | 'batchMustFitTransferLimit'
  | 'endToEndIdMustBeUniqueInBatch'
  | 'controlSumMustFitSchema'
  | 'fileMustNotExist'
  | 'fileMustFitSizeLimit'
  | 'xmlMustBeWellFormed'
  | 'documentMustBeCamt054v08'
  | 'notificationMustFitEntryLimit'
  | 'expectedEndToEndIdMustBeUnique'
  | 'csvMustBeWellFormed'
  | 'csvHeaderMustMatchTemplate'
  | 'csvMustFitRowLimit'
  | 'registryRequestConflicts'
  | 'registryResponseMalformed'
  | 'registryResponseNotYetAvailable'
  | 'registryRejected'
  | 'registryRecordMissing'
  | 'registryStateForbidsOperation'
  | 'financingIdMustBeFileSafe'
  | 'usccMustBeValid'
  | 'termMonthsMustBeWithinRegistryLimits';

export class PaymentFileError extends Error {
  override readonly name = 'PaymentFileError';
  constructor(
    readonly code: PaymentFileErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Stops on a programmer error: the condition is an invariant, not a check of outside input. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant broken: ${message}`);
}
