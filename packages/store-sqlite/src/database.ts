import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the one SQLite file that holds everything: WAL so readers never
 * wait for the writer, NORMAL sync (durable at each checkpoint, safe against app crashes),
 * sqlite-vec loaded for kNN, and migrations applied in order under `user_version`.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  sqliteVec.load(db);
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  for (const [i, sql] of MIGRATIONS.entries()) {
    const version = i + 1;
    // Each step takes the write lock first and reads the version under it: processes opening
    // one new file together (an API server and its workers) apply every step exactly once.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= version) return;
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}

/**
 * The embedding model a data file's vectors were made with, or null for a new file (read
 * without migrating or writing), so a server can keep using the model a file was built with.
 */
export function indexedEmbeddingModel(path: string): string | null {
  if (path === ':memory:' || !existsSync(path)) return null;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'vector.model'").get() as
      | { value: string }
      | undefined;
    return row?.value ?? null;
  } catch {
    return null; // no meta table yet: nothing was indexed
  } finally {
    db.close();
  }
}
