import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Db, openDatabase, WalCheckpointer } from '../src';

const MiB = 1024 * 1024;

/** Writes about `mib` MiB of new pages in one commit: they land in the log, not the file. */
function write(db: Db, mib: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS filler (body BLOB)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < mib * 16; i++) insert.run(Buffer.alloc(64 * 1024, i));
  })();
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
    if (check()) return true;
  return check();
}

describe('WalCheckpointer', () => {
  it('copies committed pages into the data file on its own thread', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'engram-ckpt-')), 'engram.db');
    const db = openDatabase(file);
    const checkpointer = WalCheckpointer.start(db, file)!;
    try {
      const before = statSync(file).size;
      write(db, 8);
      // The request thread's own threshold is far above 8 MiB, so only the checkpoint thread
      // can have moved these pages into the file.
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(8 * 256);
      expect(await until(() => statSync(file).size >= before + 8 * MiB, 5000)).toBe(true);
      expect(db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 128 });
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('reports checkpoints that start failing once, not at every attempt', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'engram-ckpt-'));
    const db = openDatabase(path.join(dir, 'engram.db'));
    const failures: unknown[] = [];
    // A path the checkpoint thread cannot open: each attempt fails.
    const checkpointer = WalCheckpointer.start(db, path.join(dir, 'missing', 'engram.db'), (err) =>
      failures.push(err),
    )!;
    try {
      expect(await until(() => failures.length > 0, 5000)).toBe(true);
      await new Promise((r) => setTimeout(r, 1600)); // three more attempts
      expect(failures).toHaveLength(1);
      expect(String(failures[0])).toMatch(/directory does not exist|unable to open|SQLITE_CANTOPEN/i);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('leaves an in-memory database alone', () => {
    const db = openDatabase(':memory:');
    expect(WalCheckpointer.start(db, ':memory:')).toBeNull();
    db.close();
  });
});
