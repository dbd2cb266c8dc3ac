/** Every instant is shown in Asia/Shanghai; maturity dates are already calendar dates there. */
const zone = 'Asia/Shanghai';

export function formatInstant(iso: string, lang: 'zh' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

export function formatDate(calendarDate: string): string {
  return calendarDate; // ISO yyyy-mm-dd, a date in Asia/Shanghai by contract
}

/** Today's calendar date in Asia/Shanghai (by the page's clock). */
export function todayShanghai(now: number = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Whole days from one calendar date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
