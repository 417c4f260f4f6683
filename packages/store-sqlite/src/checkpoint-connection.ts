import Database from 'better-sqlite3';

/**
 * The checkpoint thread's side (see WalCheckpointer): its own connection to the file, used only
 * to checkpoint. A module of its own so the thread loads SQLite and nothing else. The file is
 * opened at the first checkpoint, and again at the next if that failed.
 */
export function checkpointConnection(path: string): { checkpoint(): void } {
  let db: Database.Database | null = null;
  return {
    checkpoint: () => {
      db ??= new Database(path, { fileMustExist: true });
      db.pragma('wal_checkpoint(PASSIVE)');
    },
  };
}
