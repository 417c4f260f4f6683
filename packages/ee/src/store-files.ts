import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import mongoose, { type Connection } from 'mongoose';

/**
 * One of ee's own SQLite files beside the data (tenants, rollups, models): WAL, so the API
 * server and its workers read while one writes, and a wait rather than an error on the lock.
 */
export function openSqliteFile(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** A connection of ee's own to the MongoDB (or FerretDB) that holds the documents. */
export function connectMongo(url: string, dbName?: string): Promise<Connection> {
  return mongoose.createConnection(url, { dbName, serverSelectionTimeoutMS: 5000 }).asPromise();
}
