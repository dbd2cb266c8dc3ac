/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 *
 * Layout of the 18 characters (1-based):
 *   1      registration authority code (登记管理部门代码)
 *   2      organisation category code (机构类别代码)
 *   3–8    administrative division code (登记管理机关行政区划码), six digits
 *   9–17   organisation code (组织机构代码, GB 11714): eight body characters and a check digit
 *   18     check character over characters 1–17
 *
 * What is checked: length, the 31-character alphabet, digits in 3–8, the GB 11714 check digit of
 * the embedded organisation code, and the GB 32100 check character. What is not checked: whether
 * characters 1–2 form a registration authority / category pair currently in use, and whether the
 * division code exists — both lists change over time and belong to reference data, not syntax.
 */

/** The code alphabet: digits and upper-case letters without I, O, Z, S, V. Index = value. */
export const usccAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weights of characters 1–17: 3^i mod 31. */
export const usccWeights: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** GB 11714 weights of the eight organisation-code body characters. */
export const organisationCodeWeights: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];
export const usccLength = 18;

const valueOf = new Map<string, number>([...usccAlphabet].map((c, i) => [c, i]));

export type UsccValidation =
  | { ok: true }
  | {
      ok: false;
      /** Why the code is refused, as a sentence naming the code and the rule. */
      reason: string;
    };

/** The GB 32100 check character for the first 17 characters (which must be in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`usccCheckCharacter: expected 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = valueOf.get(first17[i]!);
    if (v === undefined) throw new RangeError(`usccCheckCharacter: ${JSON.stringify(first17[i])} is not in the alphabet`);
    sum += v * usccWeights[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return usccAlphabet[check]!;
}

/**
 * The GB 11714 check digit for an eight-character organisation-code body: characters count as
 * 0–9 for digits and 10–35 for A–Z; C = 11 − (Σ wᵢcᵢ mod 11), written 'X' for 10 and '0' for 11.
 */
export function organisationCodeCheckDigit(body8: string): string {
  if (body8.length !== 8) throw new RangeError(`organisationCodeCheckDigit: expected 8 characters, got ${body8.length}`);
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body8.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : -1;
    if (v < 0) throw new RangeError(`organisationCodeCheckDigit: ${JSON.stringify(body8[i])} is not a digit or capital letter`);
    sum += v * organisationCodeWeights[i]!;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * A valid USCC for an enterprise registered in Shanghai (prefix 91310000), whose organisation
 * code body is the last eight digits of `n`; both check characters computed. For demos, tests
 * and benchmarks that need many distinct, valid codes.
 */
export function usccFromNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`usccFromNumber: ${n} is not a non-negative integer`);
  const body = String(n % 100_000_000).padStart(8, '0');
  const first17 = `91310000${body}${organisationCodeCheckDigit(body)}`;
  return first17 + usccCheckCharacter(first17);
}

/** Validates a unified social credit code; the reason of a refusal names the code and the rule. */
export function validateUscc(code: unknown): UsccValidation {
  if (typeof code !== 'string') return { ok: false, reason: `a unified social credit code must be a string, got ${typeof code}` };
  const shown = JSON.stringify(code.length > 40 ? `${code.slice(0, 40)}…` : code);
  if (code.length !== usccLength) {
    return { ok: false, reason: `code ${shown} has ${code.length} characters; a unified social credit code has exactly 18` };
  }
  for (let i = 0; i < usccLength; i++) {
    if (!valueOf.has(code[i]!)) {
      return {
        ok: false,
        reason: `code ${shown} has ${JSON.stringify(code[i])} at position ${i + 1}; allowed are 0-9 and upper-case A-Y without I, O, S, V, Z`,
      };
    }
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    return { ok: false, reason: `code ${shown} has a non-digit in positions 3–8, the administrative division code` };
  }
  const orgCheck = organisationCodeCheckDigit(code.slice(8, 16));
  if (code[16] !== orgCheck) {
    return {
      ok: false,
      reason: `code ${shown} has organisation-code check digit ${JSON.stringify(code[16])} at position 17; GB 11714 gives ${JSON.stringify(orgCheck)}`,
    };
  }
  const check = usccCheckCharacter(code.slice(0, 17));
  if (code[17] !== check) {
    return { ok: false, reason: `code ${shown} has check character ${JSON.stringify(code[17])}; GB 32100 gives ${JSON.stringify(check)}` };
  }
  return { ok: true };
}

/** True when `validateUscc` accepts the code. */
export function isValidUscc(code: unknown): code is string {
  return validateUscc(code).ok;
}
