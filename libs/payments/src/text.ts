/**
 * Text rules shared by the XML writers: ISO 20022 `MaxNText` types count characters (Unicode
 * code points, not UTF-16 units), must not be empty, and XML 1.0 forbids most control
 * characters outright — escaping cannot carry them, so they are refused.
 */
import { PaymentFileError } from './errors.ts';

/** XML 1.0 `Char` minus the tab, line feed and carriage return we also refuse in one-line fields. */
const controlCharacters = /[\u0000-\u001f\u007f\ufffe\uffff]/u;

/** Escapes the five XML special characters; safe for both text nodes and quoted attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&apos;';
    }
  });
}

/** Length in characters as the XSD counts them. */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/**
 * Checks a one-line text field against `MaxNText` and returns it unchanged.
 * @throws PaymentFileError textMustNotBeEmpty | textMustHaveNoControlCharacters | textMustFitLength
 */
export function checkText(field: string, text: string, lengthMax: number): string {
  if (typeof text !== 'string' || text.trim().length === 0) {
    throw new PaymentFileError('textMustNotBeEmpty', `${field} is empty`);
  }
  if (controlCharacters.test(text)) {
    throw new PaymentFileError('textMustHaveNoControlCharacters', `${field} contains a control character`);
  }
  const count = characterCount(text);
  if (count > lengthMax) {
    throw new PaymentFileError('textMustFitLength', `${field} has ${count} characters, at most ${lengthMax} allowed`);
  }
  return text;
}

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks a calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export function checkIsoDate(field: string, date: string): string {
  const m = isoDatePattern.exec(date);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d) return date;
  }
  throw new PaymentFileError('dateMustBeIsoCalendarDate', `${field} ${JSON.stringify(date)} is not a calendar date YYYY-MM-DD`);
}
