import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import type { Db } from './database';

export interface AnnOptions {
  /** A tenant gets an approximate index once it holds this many vectors (below, exact is fast). */
  minVectors?: number;
  /** Vectors added per event-loop turn while building, so requests keep being served meanwhile. */
  buildChunk?: number;
  /** HNSW search breadth: higher finds more of the true neighbours, a little slower (default 1024). */
  expansionSearch?: number;
  /**
   * Where each tenant's finished index is saved when the store closes, so the next start loads
   * it and replays the changes since, instead of building it again (minutes at 1,000,000
   * vectors). A cache: deleting it only costs a rebuild. Default: none (rebuilt at each start).
   */
  directory?: string;
}

export type AnnStatus = 'exact' | 'building' | 'ready';
export type AnnHit = { rowid: number; distance: number };

/**
 * What the vector index asks of its approximate indexes, wherever they run: in its own thread
 * (`AnnIndexes`, for an in-memory file) or on a thread of their own (`AnnThread`).
 */
export interface ApproximateIndexes {
  buildLargeTenants(): void | Promise<void>;
  /** Row keys of the nearest vectors, or null: search exactly. */
  search(tenantId: string, vector: Float32Array, k: number): AnnHit[] | null | Promise<AnnHit[] | null>;
  /** After a write is committed. */
  written(tenantIds: Iterable<string>): void | Promise<void>;
  status(tenantId: string): AnnStatus;
  close(): void | Promise<void>;
}

interface TenantIndex {
  index: Index;
  /** Vectors with a rowid up to this are in the index; above it, the build has yet to add them. */
  builtThrough: number;
  ready: boolean;
}

const RECHECK_MS = 60_000;
/** A saved index's temporary file untouched this long belongs to a save that died. */
const ABANDONED_SAVE_MS = 10 * 60_000;
/** Changes kept in `vector_changes`: a process further behind than this rebuilds its indexes. */
const CHANGES_KEPT = 100_000;

/**
 * Approximate nearest neighbours (HNSW, usearch) for the one search an exact partitioned kNN
 * is slow at: tenant-wide, with no filter, over many vectors (a scan of every vector the
 * tenant has). Per-user and filtered searches stay exact. Only a tenant that has searched
 * without a filter gets one (remembered in the file's `meta`): keeping it costs every write
 * (an HNSW insert, ~40 % of the request thread's batch ingest time at 100,000 vectors when it
 * ran there; now on the indexes' own thread, see AnnThread) and ~1.1 KB of memory per vector,
 * which a tenant searched only per user would pay for nothing. Each tenant's index lives in memory,
 * is built in the background in small steps once the tenant is large enough (when the file is
 * opened, or as writes or searches find it grown; exact search answers until it is ready), and
 * follows every vector written or removed in the file, by this process or by another serving
 * the same file: writers append to `vector_changes` in the same transaction, and each process
 * replays what is new after its own writes and before each search (`catchUp`).
 * Vectors are kept as float16 (int8 lost too much of unit vectors' small components). The
 * graph settings were chosen with `pnpm bench --only ann` at 100,000 vectors: connectivity 16
 * with a wide search (1024) found 0.99 of the exact top 10 in ~2 ms and built in ~20 s, where
 * 32/256/256 found 0.96 and took twice as long to build, and 16/128/96 found 0.79.
 */
export class AnnIndexes implements ApproximateIndexes {
  private readonly tenants = new Map<string, TenantIndex>();
  /** Tenants known to have searched without a filter (see `wants`). */
  private readonly searchedWide = new Set<string>();
  private readonly checkedAt = new Map<string, number>();
  private closed = false;
  /** The last change in `vector_changes` this process's indexes have applied. */
  private appliedSeq: number;
  private readonly saved: SavedIndexes | null;

  constructor(
    private readonly db: Db,
    private readonly dimension: number,
    private readonly options: AnnOptions = {},
  ) {
    // Indexes built from now on read the file as it is; only later changes need replaying.
    this.appliedSeq = lastChange(db);
    this.saved = options.directory ? new SavedIndexes(db, options.directory, dimension) : null;
  }

  /** Records, inside the writer's transaction, that these rows' vectors changed. */
  static logChanges(db: Db, tenantId: string, keys: number[]): void {
    const log = db.prepare('INSERT INTO vector_changes (tenant_id, key) VALUES (?, ?)');
    let last = 0;
    for (const key of keys) last = Number(log.run(tenantId, key).lastInsertRowid);
    // Pruned now and then, not on every write: the delete is a range scan of the oldest rows.
    if (last % 1000 < keys.length) {
      db.prepare('DELETE FROM vector_changes WHERE seq <= ?').run(last - CHANGES_KEPT);
    }
  }

  /** Applies the vector changes made since the last call, by any process, to the indexes held. */
  catchUp(): void {
    if (this.tenants.size === 0) {
      this.appliedSeq = lastChange(this.db);
      return;
    }
    const changes = this.db
      .prepare<[number], { seq: number; tenant_id: string; key: number }>(
        'SELECT seq, tenant_id, key FROM vector_changes WHERE seq > ? ORDER BY seq',
      )
      .all(this.appliedSeq);
    if (changes.length === 0) return;
    if (changes[0]!.seq > this.appliedSeq + 1) {
      // Pruned past what this process applied: rebuild rather than guess what was missed.
      this.appliedSeq = changes[changes.length - 1]!.seq;
      this.tenants.clear();
      this.checkedAt.clear();
      return;
    }
    this.apply(changes);
    this.appliedSeq = changes[changes.length - 1]!.seq;
  }

  /**
   * Brings each changed row of the held indexes in line with the file: a row whose vector is
   * there is (re)added, one whose vector is gone is removed. Rows a build has not reached yet
   * are left to it.
   */
  private apply(changes: { tenant_id: string; key: number }[]): void {
    const vectorOf = this.db.prepare<[number], { embedding: Buffer }>(
      'SELECT embedding FROM memory_vectors WHERE rowid = ?',
    );
    const latest = new Map(changes.map((c) => [`${c.tenant_id}\u001f${c.key}`, c]));
    for (const { tenant_id, key } of latest.values()) {
      const tenant = this.tenants.get(tenant_id);
      if (!tenant || key > tenant.builtThrough) continue;
      const row = vectorOf.get(key);
      const id = BigInt(key);
      if (tenant.index.contains(id)) tenant.index.remove(id);
      if (row) tenant.index.add(id, this.toVector(row.embedding));
    }
  }

  private toVector(blob: Buffer): Float32Array {
    const vector = new Float32Array(this.dimension);
    Buffer.from(vector.buffer).set(blob); // copied: blobs need not be 4-byte aligned
    return vector;
  }

  /** Starts building for every tenant already large enough (at start, so restarts catch up soon). */
  buildLargeTenants(): void {
    const tenants = this.db
      .prepare<[number], { tenant_id: string }>(
        'SELECT tenant_id FROM index_keys GROUP BY tenant_id HAVING count(*) >= ?',
      )
      .all(this.minVectors());
    for (const { tenant_id } of tenants) if (this.wants(tenant_id)) this.maybeBuild(tenant_id);
  }

  /** Row keys of the nearest vectors with their cosine distance, or null: search exactly. */
  search(tenantId: string, vector: Float32Array, k: number): AnnHit[] | null {
    this.catchUp();
    const tenant = this.tenants.get(tenantId);
    if (!tenant) {
      this.searchedWithoutFilter(tenantId);
      this.maybeBuild(tenantId);
      return null;
    }
    if (!tenant.ready || tenant.index.size() === 0) return null;
    const matches = tenant.index.search(vector, k, 0);
    return Array.from(matches.keys, (key, i) => ({ rowid: Number(key), distance: matches.distances[i]! }));
  }

  /** After a write is committed: apply it (and anything new from other processes). */
  written(tenantIds: Iterable<string>): void {
    this.catchUp();
    // A tenant that searches without a filter and grows past the threshold gets its index
    // while it grows, not at the first search after (counted at most once a minute).
    for (const tenantId of tenantIds)
      if (!this.tenants.has(tenantId) && this.wants(tenantId)) this.maybeBuild(tenantId);
  }

  /** Whether the tenant has searched without a filter, here or in another process on the file. */
  private wants(tenantId: string): boolean {
    if (this.searchedWide.has(tenantId)) return true;
    const found = this.db.prepare('SELECT 1 FROM meta WHERE key = ?').get(wideSearchKey(tenantId));
    if (found) this.searchedWide.add(tenantId);
    return Boolean(found);
  }

  private searchedWithoutFilter(tenantId: string): void {
    if (this.searchedWide.has(tenantId)) return;
    this.searchedWide.add(tenantId);
    try {
      this.db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, '1')").run(wideSearchKey(tenantId));
    } catch {
      // Never fails the search: unremembered, the next process only builds at its own first one.
    }
  }

  /** Whether the tenant's searches without a filter are approximate yet. */
  status(tenantId: string): AnnStatus {
    const tenant = this.tenants.get(tenantId);
    return !tenant ? 'exact' : tenant.ready ? 'ready' : 'building';
  }

  /** The status of every tenant with an index (the others are exact). */
  statuses(): Record<string, AnnStatus> {
    return Object.fromEntries([...this.tenants.keys()].map((tenantId) => [tenantId, this.status(tenantId)]));
  }

  /** Saves each finished index (when a directory is set), then stops building. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.saved) {
        this.catchUp();
        for (const [tenantId, tenant] of this.tenants)
          if (tenant.ready) this.saved.save(tenantId, tenant.index, this.appliedSeq);
      }
    } catch {
      // A cache never stands in the way of a shutdown (the file may be closed already).
    }
    this.tenants.clear();
  }

  private maybeBuild(tenantId: string): void {
    const now = Date.now();
    if (now - (this.checkedAt.get(tenantId) ?? 0) < RECHECK_MS) return;
    this.checkedAt.set(tenantId, now);
    const { n } = this.db
      .prepare('SELECT count(*) AS n FROM index_keys WHERE tenant_id = ?')
      .get(tenantId) as { n: number };
    if (n < this.minVectors()) return;
    const loaded = this.saved?.load(tenantId, this.newIndex());
    if (loaded) {
      this.tenants.set(tenantId, { index: loaded.index, builtThrough: Number.MAX_SAFE_INTEGER, ready: true });
      this.replay(tenantId, loaded.savedAt);
      return;
    }
    const tenant: TenantIndex = { index: this.newIndex(), builtThrough: 0, ready: false };
    this.tenants.set(tenantId, tenant);
    setImmediate(() => this.buildStep(tenantId, tenant));
  }

  private newIndex(): Index {
    return new Index({
      dimensions: this.dimension,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F16,
      connectivity: 16,
      expansion_add: 128,
      expansion_search: this.options.expansionSearch ?? 1024,
      multi: false,
    });
  }

  /**
   * Applies the changes a loaded index missed: those after it was saved, up to what this process
   * has applied (later ones, and any the save already held, are applied again by `catchUp`:
   * applying a change twice leaves the same index).
   */
  private replay(tenantId: string, since: number): void {
    const changes = this.db
      .prepare<[number, number, string], { seq: number; tenant_id: string; key: number }>(
        'SELECT seq, tenant_id, key FROM vector_changes WHERE seq > ? AND seq <= ? AND tenant_id = ? ORDER BY seq',
      )
      .all(since, this.appliedSeq, tenantId);
    this.apply(changes);
  }

  private minVectors(): number {
    return this.options.minVectors ?? 20_000;
  }

  /** Adds the next chunk of the tenant's vectors in rowid order, then yields to requests. */
  private buildStep(tenantId: string, tenant: TenantIndex): void {
    if (this.closed || this.tenants.get(tenantId) !== tenant) return;
    let rows: { rowid: number; embedding: Buffer | null }[];
    try {
      // Keys without a vector (text only, or a vector write still being repaired) advance the
      // cursor too; the repair's upsert adds them later.
      rows = this.db
        .prepare<[string, number, number], { rowid: number; embedding: Buffer | null }>(
          `SELECT k.rowid AS rowid, v.embedding AS embedding
           FROM (SELECT rowid FROM index_keys WHERE tenant_id = ? AND rowid > ? ORDER BY rowid LIMIT ?) k
           LEFT JOIN memory_vectors v ON v.rowid = k.rowid
           ORDER BY k.rowid`,
        )
        .all(tenantId, tenant.builtThrough, this.options.buildChunk ?? 125);
    } catch {
      this.tenants.delete(tenantId); // the file was closed under us: nothing to build
      return;
    }
    if (rows.length === 0) {
      // Everything written so far is in; from now on upserts add to the index directly.
      tenant.builtThrough = Number.MAX_SAFE_INTEGER;
      tenant.ready = true;
      return;
    }
    const withVectors = rows.filter((r) => r.embedding !== null);
    if (withVectors.length > 0) {
      const matrix = new Float32Array(withVectors.length * this.dimension);
      const bytes = Buffer.from(matrix.buffer);
      withVectors.forEach((r, i) => {
        bytes.set(r.embedding!, i * this.dimension * 4); // copied, as in toVector
      });
      // One thread, so a build inserts in the same order every run: built on every core, an
      // index now and then did not find a vector's own exact match in its five nearest (three
      // clean-clone test runs in two days; never reproduced in isolation). Chunks of 125 keep
      // each block of the HTTP thread about as long as 250 on two threads.
      tenant.index.add(
        BigUint64Array.from(withVectors, (r) => BigInt(r.rowid)),
        matrix,
        1,
      );
    }
    tenant.builtThrough = rows[rows.length - 1]!.rowid;
    setImmediate(() => this.buildStep(tenantId, tenant));
  }
}

const wideSearchKey = (tenantId: string) => `ann.searched.${tenantId}`;

function lastChange(db: Db): number {
  const row = db.prepare('SELECT max(seq) AS seq FROM vector_changes').get() as { seq: number | null };
  return row.seq ?? 0;
}

/**
 * Finished indexes saved as `<file id>.<tenant>.<change seq>.usearch`: the file id (kept in the
 * data file's `meta`) ties them to one data file, so a new file at the same path never loads
 * another's index; the change seq says which changes to replay. Written under a temporary name
 * and renamed, so another process never loads half a file.
 */
class SavedIndexes {
  private readonly fileId: string;

  constructor(
    private readonly db: Db,
    private readonly directory: string,
    private readonly dimension: number,
  ) {
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('ann.file_id', ?)").run(randomUUID());
    this.fileId = (
      db.prepare("SELECT value FROM meta WHERE key = 'ann.file_id'").get() as { value: string }
    ).value;
  }

  save(tenantId: string, index: Index, seq: number): void {
    const prefix = this.prefix(tenantId);
    if (this.versions(prefix).some((s) => s >= seq)) return; // as new a save is there already
    try {
      mkdirSync(this.directory, { recursive: true });
      const file = path.join(this.directory, `${prefix}${seq}.usearch`);
      const temporary = `${file}.${process.pid}.tmp`;
      index.save(temporary);
      renameSync(temporary, file);
      for (const older of this.versions(prefix).filter((s) => s < seq))
        rmSync(path.join(this.directory, `${prefix}${older}.usearch`), { force: true });
      this.removeAbandonedSaves();
    } catch {
      // A cache: failing to save only means the next start builds again.
    }
  }

  /**
   * The newest saved index of the tenant, if the changes since it are all still logged (and it
   * is not ahead of the file: a file restored from a backup has not seen its changes).
   */
  load(tenantId: string, index: Index): { index: Index; savedAt: number } | null {
    const prefix = this.prefix(tenantId);
    const savedAt = Math.max(-1, ...this.versions(prefix));
    if (savedAt < 0) return null;
    const file = path.join(this.directory, `${prefix}${savedAt}.usearch`);
    try {
      const last = lastChange(this.db);
      if (savedAt > last) {
        // Saved from changes this file no longer has (restored from a backup): never valid again.
        rmSync(file, { force: true });
        return null;
      }
      const oldest = (
        this.db.prepare('SELECT min(seq) AS seq FROM vector_changes').get() as { seq: number | null }
      ).seq;
      if (savedAt < last && (oldest === null || oldest > savedAt + 1)) return null; // pruned past it
      index.load(file);
      return index.dimensions() === this.dimension ? { index, savedAt } : null;
    } catch {
      return null; // unreadable: built again
    }
  }

  /**
   * Temporary files a save left when its process died mid-write (a gigabyte at 1,000,000
   * vectors). A save takes seconds, so one untouched for ten minutes is abandoned.
   */
  private removeAbandonedSaves(): void {
    const before = Date.now() - ABANDONED_SAVE_MS;
    for (const name of readdirSync(this.directory)) {
      if (!name.endsWith('.tmp')) continue;
      const file = path.join(this.directory, name);
      const modified = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
      if (modified !== undefined && modified < before) rmSync(file, { force: true });
    }
  }

  private prefix(tenantId: string): string {
    return `${this.fileId}.${Buffer.from(tenantId, 'utf8').toString('hex')}.`;
  }

  private versions(prefix: string): number[] {
    let names: string[];
    try {
      names = readdirSync(this.directory);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.startsWith(prefix) && n.endsWith('.usearch'))
      .map((n) => Number(n.slice(prefix.length, -'.usearch'.length)))
      .filter((seq) => Number.isInteger(seq));
  }
}
