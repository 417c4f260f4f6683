/** Cursors are opaque to clients: base64url of the last key of the previous page. */
export const encodeCursor = (key: string | number): string => Buffer.from(String(key)).toString('base64url');
export const decodeCursor = (cursor: string | null | undefined): string | null =>
  cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : null;

/** Stores fetch `limit + 1` rows: the extra one says whether there is a next page. */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => string | number) {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}
