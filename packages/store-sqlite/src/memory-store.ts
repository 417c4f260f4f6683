import {
  type ChangeNote,
  EngramError,
  type Memory,
  type MemoryFilter,
  type MemoryStore,
  type MemoryVersion,
  memoryFingerprint,
  type PageRequest,
} from '@engram/core';
import type { Db } from './database';
import { decodeCursor, filterSql, pageOf } from './sql-helpers';

type MemoryRow = Omit<Memory, 'metadata' | 'tags' | 'valid_from'> & {
  metadata: string;
  tags: string;
  valid_from: string | null;
  fingerprint?: string | null;
};

const toMemory = ({ fingerprint: _fingerprint, ...r }: MemoryRow): Memory => ({
  ...r,
  metadata: JSON.parse(r.metadata),
  tags: JSON.parse(r.tags),
  // Rows written before validity existed began when they were made and never ended.
  valid_from: r.valid_from ?? r.created_at,
  valid_to: r.valid_to ?? null,
  event_time: r.event_time ?? null,
});

export class SqliteMemoryStore implements MemoryStore {
  private readonly insertRow;
  private readonly insertVersion;
  private readonly getRow;

  constructor(private readonly db: Db) {
    this.insertRow = db.prepare(
      `INSERT INTO memories (id, tenant_id, user_id, namespace, agent_id, session_id, content, type, metadata, tags, created_at, updated_at, version, valid_from, valid_to, event_time, fingerprint)
       VALUES (@id, @tenant_id, @user_id, @namespace, @agent_id, @session_id, @content, @type, @metadata, @tags, @created_at, @updated_at, @version, @valid_from, @valid_to, @event_time, @fingerprint)`,
    );
    this.insertVersion = db.prepare(
      `INSERT INTO memory_versions (tenant_id, memory_id, version, change, content, type, metadata, tags, created_at, valid_to, reason)
       VALUES (@tenant_id, @id, @version, @change, @content, @type, @metadata, @tags, @updated_at, @valid_to, @reason)`,
    );
    this.getRow = db.prepare<[string, string], MemoryRow>(
      'SELECT * FROM memories WHERE tenant_id = ? AND id = ?',
    );
  }

  async insert(memory: Memory): Promise<void> {
    const [result] = await this.insertEach([memory]);
    if (result!.status === 'rejected') throw result!.reason;
  }

  /** One transaction for all; each memory in a savepoint of its own, so one refused keeps the rest. */
  async insertEach(memories: Memory[]): Promise<PromiseSettledResult<void>[]> {
    const insertOne = this.db.transaction((row: ReturnType<SqliteMemoryStore['row']>) => {
      this.insertRow.run(row);
      this.insertVersion.run({ ...row, change: 'created', reason: null });
    });
    return this.db.transaction(() =>
      memories.map((memory): PromiseSettledResult<void> => {
        try {
          insertOne(this.row(memory));
          return { status: 'fulfilled', value: undefined };
        } catch (err) {
          const conflict = (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
          return {
            status: 'rejected',
            reason: conflict ? new EngramError('conflict', `memory ${memory.id} already exists`) : err,
          };
        }
      }),
    )();
  }

  private row(memory: Memory) {
    return {
      ...memory,
      metadata: JSON.stringify(memory.metadata),
      tags: JSON.stringify(memory.tags),
      fingerprint: memoryFingerprint(memory),
    };
  }

  async findByFingerprint(tenantId: string, fingerprint: string): Promise<Memory[]> {
    return this.db
      .prepare<[string, string], MemoryRow>(
        'SELECT * FROM memories WHERE tenant_id = ? AND fingerprint = ? AND valid_to IS NULL',
      )
      .all(tenantId, fingerprint)
      .map(toMemory);
  }

  async get(tenantId: string, id: string): Promise<Memory | null> {
    const row = this.getRow.get(tenantId, id);
    return row ? toMemory(row) : null;
  }

  async getMany(tenantId: string, ids: string[]): Promise<Memory[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare<unknown[], MemoryRow>(
        `SELECT * FROM memories WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?))`,
      )
      .all(tenantId, JSON.stringify(ids));
    return rows.map(toMemory);
  }

  async update(memory: Memory, note: ChangeNote = { change: 'updated' }): Promise<void> {
    const row = this.row(memory);
    this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE memories SET content = @content, type = @type, metadata = @metadata, tags = @tags,
             updated_at = @updated_at, version = @version, valid_from = @valid_from, valid_to = @valid_to,
             event_time = @event_time, fingerprint = @fingerprint
           WHERE tenant_id = @tenant_id AND id = @id AND version = @version - 1`,
        )
        .run(row).changes;
      if (changed === 0) {
        throw new EngramError(
          'version_conflict',
          `memory ${memory.id} changed since version ${memory.version - 1}`,
        );
      }
      this.insertVersion.run({ ...row, change: note.change, reason: note.reason ?? null });
    })();
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.db.transaction(() => {
      const deleted = this.db
        .prepare('DELETE FROM memories WHERE tenant_id = ? AND id = ?')
        .run(tenantId, id).changes;
      this.db.prepare('DELETE FROM memory_versions WHERE tenant_id = ? AND memory_id = ?').run(tenantId, id);
      return deleted > 0;
    })();
  }

  async list(tenantId: string, filter: MemoryFilter, page: PageRequest) {
    const where = filterSql(filter);
    const after = decodeCursor(page.cursor);
    const rows = this.db
      .prepare<unknown[], MemoryRow>(
        `SELECT * FROM memories m WHERE m.tenant_id = ? AND ${where.sql} ${after ? 'AND m.id < ?' : ''}
         ORDER BY m.id DESC LIMIT ?`,
      )
      .all(tenantId, ...where.params, ...(after ? [after] : []), page.limit + 1);
    return pageOf(rows.map(toMemory), page.limit, (m) => m.id);
  }

  async history(tenantId: string, id: string): Promise<MemoryVersion[]> {
    const rows = this.db
      .prepare<
        [string, string],
        Omit<MemoryVersion, 'metadata' | 'tags'> & { metadata: string; tags: string }
      >(
        `SELECT memory_id, tenant_id, version, change, content, type, metadata, tags, created_at, valid_to, reason
         FROM memory_versions WHERE tenant_id = ? AND memory_id = ? ORDER BY version`,
      )
      .all(tenantId, id);
    return rows.map((r) => ({ ...r, metadata: JSON.parse(r.metadata), tags: JSON.parse(r.tags) }));
  }

  async sessionNeighbors(tenantId: string, id: string, window: number): Promise<string[]> {
    const rows = this.db
      .prepare<unknown[], { id: string; side: number }>(
        `WITH me AS (SELECT session_id FROM memories WHERE tenant_id = ? AND id = ? AND session_id IS NOT NULL)
         SELECT * FROM (SELECT id, 0 AS side FROM memories WHERE tenant_id = ? AND session_id = (SELECT session_id FROM me)
                        AND id < ? ORDER BY id DESC LIMIT ?)
         UNION ALL
         SELECT * FROM (SELECT id, 1 AS side FROM memories WHERE tenant_id = ? AND session_id = (SELECT session_id FROM me)
                        AND id > ? ORDER BY id ASC LIMIT ?)`,
      )
      .all(tenantId, id, tenantId, id, window, tenantId, id, window);
    const before = rows.filter((r) => r.side === 0).map((r) => r.id);
    const after = rows.filter((r) => r.side === 1).map((r) => r.id);
    const out: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (before[i]) out.push(before[i]!);
      if (after[i]) out.push(after[i]!);
    }
    return out;
  }

  async listIds(tenantId: string, filter: MemoryFilter): Promise<string[]> {
    const where = filterSql(filter);
    return this.db
      .prepare<unknown[], { id: string }>(
        `SELECT id FROM memories m WHERE m.tenant_id = ? AND ${where.sql} ORDER BY id`,
      )
      .all(tenantId, ...where.params)
      .map((r) => r.id);
  }

  async contentBytes(tenantId: string): Promise<number> {
    return (
      this.db
        .prepare(
          'SELECT coalesce(sum(length(CAST(content AS BLOB))), 0) AS n FROM memories WHERE tenant_id = ?',
        )
        .get(tenantId) as { n: number }
    ).n;
  }

  async recentlyWritten(limit: number): Promise<{ tenant_id: string; id: string }[]> {
    return this.db
      .prepare<[number], { tenant_id: string; id: string }>(
        'SELECT tenant_id, id FROM memories ORDER BY updated_at DESC LIMIT ?',
      )
      .all(limit);
  }

  async count(tenantId: string): Promise<number> {
    return (
      this.db.prepare('SELECT count(*) AS n FROM memories WHERE tenant_id = ?').get(tenantId) as { n: number }
    ).n;
  }
}
