import type Database from 'better-sqlite3';
import { openSqliteFile } from './store-files';

export type Role = 'owner' | 'admin' | 'developer' | 'viewer';
export type KeyScope = 'read' | 'write' | 'admin';

export interface Organization {
  id: string;
  name: string;
  created_at: string;
  /** The plan from the edition's catalogue; null: the catalogue's default. */
  plan?: string | null;
  /** Its customer at the payment provider, made at its first checkout. */
  stripe_customer_id?: string | null;
}

/** A recorded billable operation (see core's UsageMeter): `id` makes it count once. */
export interface UsageRecord {
  id: string;
  project_id: string;
  metric: string;
  quantity: number;
  /** ISO time; its first ten characters are the day it counts for. */
  at: string;
}

export interface Project {
  /** Also the core tenant_id of everything stored for this project. */
  id: string;
  org_id: string;
  name: string;
  created_at: string;
}

export interface Member {
  org_id: string;
  user_id: string;
  role: Role;
}

export interface ApiKeyRecord {
  id: string;
  project_id: string;
  name: string;
  /** Shown in lists so people can tell keys apart; not enough to use the key. */
  prefix: string;
  /** SHA-256 of the whole key; the key itself is never stored. */
  hash: string;
  scopes: KeyScope[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/**
 * The tenancy port: organisations, projects, members and API keys. One implementation per
 * database (SQLite beside the data file, MongoDB beside the documents), both run through
 * `describeTenancyContract`.
 */
export interface TenancyStore {
  createOrg(org: Organization): Promise<void>;
  getOrg(id: string): Promise<Organization | null>;
  createProject(project: Project): Promise<void>;
  getProject(id: string): Promise<Project | null>;
  /** An organisation's projects, by id; every project when `orgId` is null. */
  listProjects(orgId: string | null): Promise<Project[]>;
  /** Adds a member or changes the role of an existing one. */
  setMember(member: Member): Promise<void>;
  /** By user id. */
  listMembers(orgId: string): Promise<Member[]>;
  createKey(key: ApiKeyRecord): Promise<void>;
  findKeyByPrefix(prefix: string): Promise<ApiKeyRecord | null>;
  /** By id. */
  listKeys(projectId: string): Promise<ApiKeyRecord[]>;
  /** Revokes an active key of the project; false when there is none with that id. */
  revokeKey(projectId: string, id: string, at: string): Promise<boolean>;
  /** Sets an organisation's plan; false when there is no such organisation. */
  setPlan(orgId: string, plan: string): Promise<boolean>;
  /** Records an organisation's payment-provider customer; false when there is no such organisation. */
  setStripeCustomer(orgId: string, customerId: string): Promise<boolean>;
  /** Records usage; a record whose id exists is ignored. */
  recordUsage(records: UsageRecord[]): Promise<void>;
  /** Per day and metric, `from` ≤ at < `to`, oldest first. */
  usageByDay(
    projectId: string,
    from: string,
    to: string,
  ): Promise<{ day: string; metric: string; quantity: number }[]>;
  /** Usage not yet reported to the payment provider, oldest first. */
  unreportedUsage(limit: number): Promise<UsageRecord[]>;
  /** Marks usage reported (or not billable there), so it is not sent again. */
  markReported(ids: string[], at: string): Promise<void>;
  /** Whether a payment-provider event was already handled. */
  seenEvent(id: string): Promise<boolean>;
  /** Marks an event handled (after its effects are stored; handling one twice changes nothing). */
  markEvent(id: string, at: string): Promise<void>;
  close(): Promise<void>;
}

/** Totals per metric from per-day rows. */
export function totals(rows: { metric: string; quantity: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.metric] = (out[r.metric] ?? 0) + r.quantity;
  return out;
}

/** Organisations, projects, members and API keys, in their own SQLite file. */
export class SqliteTenancyStore implements TenancyStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    // Under the write lock: an API server and its workers opening a new file together set it
    // up once (a second ADD COLUMN would fail).
    this.db.transaction(() => this.setUp()).immediate();
  }

  private setUp(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS organizations (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS projects (
        id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), name TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS members (
        org_id TEXT NOT NULL REFERENCES organizations(id), user_id TEXT NOT NULL, role TEXT NOT NULL,
        PRIMARY KEY (org_id, user_id));
      CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id), name TEXT NOT NULL,
        prefix TEXT NOT NULL UNIQUE, hash TEXT NOT NULL, scopes TEXT NOT NULL, created_at TEXT NOT NULL,
        expires_at TEXT, revoked_at TEXT);
      CREATE TABLE IF NOT EXISTS usage (
        id TEXT PRIMARY KEY, project_id TEXT NOT NULL, metric TEXT NOT NULL, quantity INTEGER NOT NULL,
        at TEXT NOT NULL, day TEXT NOT NULL, reported_at TEXT);
      CREATE INDEX IF NOT EXISTS usage_by_project ON usage (project_id, day);
      CREATE TABLE IF NOT EXISTS billing_events (id TEXT PRIMARY KEY, at TEXT NOT NULL);
    `);
    // Files made before plans and billing existed gain their columns.
    const columns = this.db.prepare('PRAGMA table_info(organizations)').all() as { name: string }[];
    for (const column of ['plan', 'stripe_customer_id']) {
      if (!columns.some((c) => c.name === column))
        this.db.exec(`ALTER TABLE organizations ADD COLUMN ${column} TEXT`);
    }
  }

  async createOrg(org: Organization): Promise<void> {
    this.db
      .prepare('INSERT INTO organizations (id, name, created_at, plan) VALUES (?, ?, ?, ?)')
      .run(org.id, org.name, org.created_at, org.plan ?? null);
  }

  async getOrg(id: string): Promise<Organization | null> {
    return (
      (this.db.prepare('SELECT * FROM organizations WHERE id = ?').get(id) as Organization | undefined) ??
      null
    );
  }

  async createProject(project: Project): Promise<void> {
    this.db
      .prepare('INSERT INTO projects (id, org_id, name, created_at) VALUES (?, ?, ?, ?)')
      .run(project.id, project.org_id, project.name, project.created_at);
  }

  async getProject(id: string): Promise<Project | null> {
    return (this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as Project | undefined) ?? null;
  }

  async listProjects(orgId: string | null): Promise<Project[]> {
    return (
      orgId === null
        ? this.db.prepare('SELECT * FROM projects ORDER BY id').all()
        : this.db.prepare('SELECT * FROM projects WHERE org_id = ? ORDER BY id').all(orgId)
    ) as Project[];
  }

  async setMember(member: Member): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO members (org_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role',
      )
      .run(member.org_id, member.user_id, member.role);
  }

  async listMembers(orgId: string): Promise<Member[]> {
    return this.db.prepare('SELECT * FROM members WHERE org_id = ? ORDER BY user_id').all(orgId) as Member[];
  }

  async createKey(key: ApiKeyRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO api_keys (id, project_id, name, prefix, hash, scopes, created_at, expires_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
      )
      .run(
        key.id,
        key.project_id,
        key.name,
        key.prefix,
        key.hash,
        JSON.stringify(key.scopes),
        key.created_at,
        key.expires_at,
      );
  }

  async findKeyByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE prefix = ?').get(prefix) as
      | (Omit<ApiKeyRecord, 'scopes'> & { scopes: string })
      | undefined;
    return row ? { ...row, scopes: JSON.parse(row.scopes) } : null;
  }

  async listKeys(projectId: string): Promise<ApiKeyRecord[]> {
    return (
      this.db.prepare('SELECT * FROM api_keys WHERE project_id = ? ORDER BY id').all(projectId) as (Omit<
        ApiKeyRecord,
        'scopes'
      > & { scopes: string })[]
    ).map((r) => ({ ...r, scopes: JSON.parse(r.scopes) }));
  }

  async revokeKey(projectId: string, id: string, at: string): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE api_keys SET revoked_at = ? WHERE project_id = ? AND id = ? AND revoked_at IS NULL')
        .run(at, projectId, id).changes > 0
    );
  }

  async setPlan(orgId: string, plan: string): Promise<boolean> {
    return this.db.prepare('UPDATE organizations SET plan = ? WHERE id = ?').run(plan, orgId).changes > 0;
  }

  async setStripeCustomer(orgId: string, customerId: string): Promise<boolean> {
    return (
      this.db.prepare('UPDATE organizations SET stripe_customer_id = ? WHERE id = ?').run(customerId, orgId)
        .changes > 0
    );
  }

  async recordUsage(records: UsageRecord[]): Promise<void> {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO usage (id, project_id, metric, quantity, at, day) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const r of records) insert.run(r.id, r.project_id, r.metric, r.quantity, r.at, r.at.slice(0, 10));
    })();
  }

  async usageByDay(projectId: string, from: string, to: string) {
    return this.db
      .prepare(
        `SELECT day, metric, sum(quantity) AS quantity FROM usage
         WHERE project_id = ? AND at >= ? AND at < ? GROUP BY day, metric ORDER BY day, metric`,
      )
      .all(projectId, from, to) as { day: string; metric: string; quantity: number }[];
  }

  async unreportedUsage(limit: number): Promise<UsageRecord[]> {
    return this.db
      .prepare(
        'SELECT id, project_id, metric, quantity, at FROM usage WHERE reported_at IS NULL ORDER BY at, id LIMIT ?',
      )
      .all(limit) as UsageRecord[];
  }

  async markReported(ids: string[], at: string): Promise<void> {
    const mark = this.db.prepare('UPDATE usage SET reported_at = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) mark.run(at, id);
    })();
  }

  async seenEvent(id: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM billing_events WHERE id = ?').get(id) !== undefined;
  }

  async markEvent(id: string, at: string): Promise<void> {
    this.db.prepare('INSERT OR IGNORE INTO billing_events (id, at) VALUES (?, ?)').run(id, at);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
