/**
 * Calendar arithmetic. Dates are calendar dates in Asia/Shanghai (DESIGN §6); China keeps UTC+8
 * without daylight saving, so an instant's date there is its UTC date eight hours later.
 */
const shanghaiOffsetMs = 8 * 60 * 60 * 1000;
const dayMs = 24 * 60 * 60 * 1000;

export const calendarDatePattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const periodPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

export function shanghaiDate(instant: Date | string): string {
  const t = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(t + shanghaiOffsetMs).toISOString().slice(0, 10);
}

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !calendarDatePattern.test(value)) return false;
  return new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

/** The month `count` months before `period` (YYYY-MM). */
export function monthsBack(period: string, count: number): string {
  const months = Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1 - count;
  return `${String(Math.floor(months / 12)).padStart(4, '0')}-${String((months % 12) + 1).padStart(2, '0')}`;
}
