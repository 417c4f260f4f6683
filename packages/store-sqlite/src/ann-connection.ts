import { type AnnHit, AnnIndexes, type AnnOptions, type AnnStatus } from './ann-index';
import { openDatabase } from './database';

export interface AnnConnectionOptions {
  path: string;
  dimension: number;
  ann: AnnOptions;
}

/**
 * The approximate indexes' thread (see AnnThread): its own connection to the file, from which
 * it builds each index and replays every vector change (`vector_changes`), as another process
 * on the file would. Each answer carries the statuses, so the request thread knows them
 * without asking.
 */
export function annConnection({ path, dimension, ann: options }: AnnConnectionOptions) {
  const db = openDatabase(path);
  const ann = new AnnIndexes(db, dimension, options);
  return {
    buildLargeTenants(): Record<string, AnnStatus> {
      ann.buildLargeTenants();
      return ann.statuses();
    },
    search(
      tenantId: string,
      vector: Float32Array,
      k: number,
    ): { hits: AnnHit[] | null; statuses: Record<string, AnnStatus> } {
      return { hits: ann.search(tenantId, vector, k), statuses: ann.statuses() };
    },
    written(tenantIds: string[]): Record<string, AnnStatus> {
      ann.written(tenantIds);
      return ann.statuses();
    },
    statuses(): Record<string, AnnStatus> {
      return ann.statuses();
    },
    close(): void {
      ann.close();
      db.close();
    },
  };
}
