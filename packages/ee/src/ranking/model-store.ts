import type { RankingModel, TrainingResult } from '@engram/core';
import type Database from 'better-sqlite3';
import type { Connection } from 'mongoose';
import { connectMongo, openSqliteFile } from '../store-files';
import type { TrainingWindow } from './training';

/**
 * `training` while a fit runs off the HTTP thread; `failed` when it threw or its process stopped
 * (`error` says which); a finished fit is a `candidate` until promoted.
 */
export type ModelStatus = 'training' | 'failed' | 'candidate' | 'active' | 'retired' | 'rolled_back';

/** One version of a project's reranker, with what it was trained on and how it measured. */
export interface ModelVersion {
  project_id: string;
  version: number;
  status: ModelStatus;
  created_at: string;
  promoted_at: string | null;
  window: TrainingWindow;
  /** Searches read in the window. */
  searches_read: number;
  /** Null until the fit has finished (and on a failed version). */
  examples: TrainingResult['examples'] | null;
  evaluation: TrainingResult['evaluation'] | null;
  model: RankingModel | null;
  /** Why training failed. */
  error?: string;
}

/** A version whose fit finished: every candidate, active, retired and rolled-back one. */
export type TrainedVersion = ModelVersion & {
  examples: TrainingResult['examples'];
  evaluation: TrainingResult['evaluation'];
  model: RankingModel;
};

export const isTrained = (v: ModelVersion): v is TrainedVersion =>
  v.model !== null && v.evaluation !== null && v.examples !== null;

export interface ModelStore {
  /** Writes a version (a new one, or a status change of one). */
  save(version: ModelVersion): Promise<void>;
  /** Newest first. */
  list(projectId: string): Promise<ModelVersion[]>;
  close(): Promise<void>;
}

/** Versions in their own SQLite file beside the data. */
export class SqliteModelStore implements ModelStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    this.db.exec(`CREATE TABLE IF NOT EXISTS ranking_models (
      project_id TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (project_id, version))`);
  }

  async save(v: ModelVersion): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO ranking_models VALUES (?, ?, ?)')
      .run(v.project_id, v.version, JSON.stringify(v));
  }

  async list(projectId: string): Promise<ModelVersion[]> {
    const rows = this.db
      .prepare('SELECT data FROM ranking_models WHERE project_id = ? ORDER BY version DESC')
      .all(projectId) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as ModelVersion);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Versions on MongoDB (or FerretDB), beside the documents. */
export class MongoModelStore implements ModelStore {
  private constructor(private readonly connection: Connection) {}

  static async open(url: string, dbName?: string): Promise<MongoModelStore> {
    const store = new MongoModelStore(await connectMongo(url, dbName));
    await store.col().createIndex({ project_id: 1, version: -1 });
    return store;
  }

  private col() {
    return this.connection.db!.collection<ModelVersion & { _id: string }>('ranking_models');
  }

  async save(v: ModelVersion): Promise<void> {
    const _id = `${v.project_id}|${v.version}`;
    await this.col().replaceOne({ _id }, { ...v }, { upsert: true });
  }

  async list(projectId: string): Promise<ModelVersion[]> {
    const docs = await this.col().find({ project_id: projectId }).sort({ version: -1 }).toArray();
    return docs.map(({ _id, ...v }) => v);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
