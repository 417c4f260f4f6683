import { createHash } from 'node:crypto';
import { invalid } from '../errors';

/**
 * Cursors are opaque to clients: base64url of the last key of the previous page and a short
 * digest of it, so a cursor that was cut, edited or made up is refused with 400 instead of
 * silently returning some other page.
 */
const digest = (key: string) =>
  createHash('sha256').update(`engram-cursor:${key}`).digest('base64url').slice(0, 8);

export const encodeCursor = (key: string | number): string => {
  const text = String(key);
  return `${Buffer.from(text).toString('base64url')}.${digest(text)}`;
};

export const decodeCursor = (cursor: string | null | undefined): string | null => {
  if (!cursor) return null;
  const [body, check, ...rest] = cursor.split('.');
  const key =
    body !== undefined && /^[\w-]+$/.test(body) ? Buffer.from(body, 'base64url').toString('utf8') : null;
  if (key === null || rest.length || check !== digest(key)) {
    throw invalid('cursor', 'not a cursor this server returned; start again without one');
  }
  return key;
};

/** Stores fetch `limit + 1` rows: the extra one says whether there is a next page. */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => string | number) {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}
