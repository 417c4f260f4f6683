/**
 * The stretch of calendar time a question names, if it names one outright: a day ("on 9
 * November, 2022", "October 13, 2023"), a month ("in July 2023") or a year ("in 2023"), as
 * [start, end) in UTC milliseconds. Memories carry `event_time` (when what they say happened, as
 * the caller said), so a ranking model can tell a memory of that day from one of another.
 * Relative times ("last week") need a reference the question does not carry, and are left out.
 */
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH = `(${MONTHS.join('|')})`;
const DAY_MONTH_YEAR = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+(\\d{4})\\b`);
const MONTH_DAY_YEAR = new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`);
const MONTH_YEAR = new RegExp(`\\b${MONTH},?\\s+(\\d{4})\\b`);
const YEAR = /\b(?:in|of|during|throughout)\s+(\d{4})\b/;

const DAY_MS = 86_400_000;

export type Period = readonly [start: number, end: number];

export function namedPeriod(question: string): Period | null {
  const q = question.toLowerCase();
  const month = (name: string) => MONTHS.indexOf(name);
  let m = DAY_MONTH_YEAR.exec(q);
  if (m) return day(Number(m[3]), month(m[2]!), Number(m[1]));
  m = MONTH_DAY_YEAR.exec(q);
  if (m) return day(Number(m[3]), month(m[1]!), Number(m[2]));
  m = MONTH_YEAR.exec(q);
  if (m) return [Date.UTC(Number(m[2]), month(m[1]!), 1), Date.UTC(Number(m[2]), month(m[1]!) + 1, 1)];
  m = YEAR.exec(q);
  if (m) return [Date.UTC(Number(m[1]), 0, 1), Date.UTC(Number(m[1]) + 1, 0, 1)];
  return null;
}

function day(year: number, month: number, date: number): Period | null {
  if (date < 1 || date > 31) return null;
  const start = Date.UTC(year, month, date);
  return [start, start + DAY_MS];
}

export const within = (at: number, [start, end]: Period): boolean => at >= start && at < end;

/** Days from a moment to the nearer end of a period (0 inside it). */
export const daysFrom = (at: number, [start, end]: Period): number =>
  at < start ? (start - at) / DAY_MS : at >= end ? (at - end) / DAY_MS : 0;
