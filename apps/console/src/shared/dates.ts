/** Every instant is shown in Asia/Shanghai; maturity dates are already calendar dates there. */
const zone = 'Asia/Shanghai';

export function formatInstant(iso: string, lang: 'zh' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

export function formatDate(calendarDate: string): string {
  return calendarDate; // ISO yyyy-mm-dd, a date in Asia/Shanghai by contract
}
