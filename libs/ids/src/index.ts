/** `@cascade/ids`: UUIDv7 and the unified social credit code (GB 32100-2015). */
export { createUuidv7Generator, isUuid, isUuidv7, uuidPattern, uuidv7, uuidv7Pattern, uuidv7Timestamp } from './uuid.ts';
export type { Uuidv7GeneratorOptions } from './uuid.ts';
export {
  isValidUscc,
  organisationCodeCheckDigit,
  organisationCodeWeights,
  usccAlphabet,
  usccCheckCharacter,
  usccFromNumber,
  usccLength,
  usccWeights,
  validateUscc,
} from './uscc.ts';
export type { UsccValidation } from './uscc.ts';
