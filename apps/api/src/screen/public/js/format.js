// Numbers, shares and times per locale (vi-VN: 1.234.567 and 45,6 %; en-GB: 1,234,567 and 45.6%).

// Election day happens in Hanoi: times are shown in its zone, wherever the screen runs.
const TIME_ZONE = 'Asia/Ho_Chi_Minh';

export function formatter(localeTag) {
  const integer = new Intl.NumberFormat(localeTag, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(localeTag, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const percentWhole = new Intl.NumberFormat(localeTag, { style: 'percent', maximumFractionDigits: 0 });
  const time = new Intl.DateTimeFormat(localeTag, {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: TIME_ZONE,
  });
  const timeWithSeconds = new Intl.DateTimeFormat(localeTag, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZone: TIME_ZONE,
  });
  const date = new Intl.DateTimeFormat(localeTag, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    int: (n) => (typeof n === 'number' && Number.isFinite(n) ? integer.format(n) : '—'),
    pct: (share) => (typeof share === 'number' && Number.isFinite(share) ? percent.format(share) : '—'),
    pctWhole: (share) => percentWhole.format(share),
    time: (iso) => (iso ? time.format(new Date(iso)) : ''),
    timeSeconds: (iso) => (iso ? timeWithSeconds.format(new Date(iso)) : ''),
    /** A polling date (YYYY-MM-DD) is a calendar day, not an instant. */
    day: (yyyyMmDd) => (yyyyMmDd ? date.format(new Date(`${yyyyMmDd}T00:00:00Z`)) : ''),
  };
}
