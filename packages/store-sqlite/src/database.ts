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
  reusePreparedStatements(db);
  return db;
}

/** How many compiled statements a connection keeps; the stores use fewer than this. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The stores call `prepare` where they query, which keeps each SQL string beside its use; a
 * compile costs as much as the query itself for the small lookups a search makes (~0.6 ms of a
 * 10 ms search at 100,000 memories). So the connection hands back the statement it compiled
 * before for the same SQL. Safe because no store iterates a statement lazily (`iterate`):
 * each call runs to completion before the statement can be used again. For the same reason a
 * store must not set a mode on a statement (`pluck`, `raw`, `expand`): every user of that SQL
 * would get it.
 */
function reusePreparedStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const compiled = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = compiled.get(sql);
    if (statement) {
      compiled.delete(sql); // re-inserted below: the map's order is least recently used first
    } else {
      statement = compile(sql);
      if (compiled.size >= STATEMENT_CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
    }
    compiled.set(sql, statement);
    return statement;
  }) as Db['prepare'];
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
