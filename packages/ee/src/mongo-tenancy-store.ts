import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import type { ApiKeyRecord, Member, Organization, Project, TenancyStore, UsageRecord } from './tenancy-store';

// `id: false`: the records carry their own `id` field; mongoose's virtual of that name stays off.
const options = { versionKey: false, _id: false, id: false } as const;
const orgSchema = new Schema<Organization & { _id: string }>(
  {
    _id: String,
    id: String,
    name: String,
    created_at: String,
    plan: { type: String, default: null },
    stripe_customer_id: { type: String, default: null },
  },
  options,
);
const usageSchema = new Schema<UsageRecord & { _id: string; day: string; reported_at: string | null }>(
  {
    _id: String,
    id: String,
    project_id: String,
    metric: String,
    quantity: Number,
    at: String,
    day: String,
    reported_at: { type: String, default: null },
  },
  options,
);
usageSchema.index({ project_id: 1, day: 1 });
usageSchema.index({ reported_at: 1, at: 1 });
const eventSchema = new Schema<{ _id: string; at: string }>({ _id: String, at: String }, options);
const projectSchema = new Schema<Project & { _id: string }>(
  { _id: String, id: String, org_id: { type: String, index: true }, name: String, created_at: String },
  options,
);
const memberSchema = new Schema<Member & { _id: string }>(
  { _id: String, org_id: String, user_id: String, role: String },
  options,
);
memberSchema.index({ org_id: 1, user_id: 1 });
const keySchema = new Schema<ApiKeyRecord & { _id: string }>(
  {
    _id: String,
    id: String,
    project_id: String,
    name: String,
    prefix: { type: String, unique: true },
    hash: String,
    scopes: [String],
    created_at: String,
    expires_at: { type: String, default: null },
    revoked_at: { type: String, default: null },
  },
  options,
);
keySchema.index({ project_id: 1, id: 1 });

const PROJECTION = { _id: 0 } as const;

/**
 * The tenancy port on MongoDB (or FerretDB), beside the documents: organisations, projects,
 * members and keys in four collections. Every look-up is by `_id` or an indexed field, so it
 * stays a point read on FerretDB too.
 */
export class MongoTenancyStore implements TenancyStore {
  private constructor(
    private readonly connection: Connection,
    private readonly orgs: Model<Organization & { _id: string }>,
    private readonly projects: Model<Project & { _id: string }>,
    // mongoose types every schema with an `id` virtual; members have no id field of their own.
    private readonly members: Model<Member & { _id: string }, object, object, { id: string }>,
    private readonly keys: Model<ApiKeyRecord & { _id: string }>,
    private readonly usage: Model<UsageRecord & { _id: string; day: string; reported_at: string | null }>,
    private readonly events: Model<{ _id: string; at: string }, object, object, { id: string }>,
  ) {}

  static async open(url: string, dbName?: string): Promise<MongoTenancyStore> {
    const connection = await mongoose
      .createConnection(url, { dbName, serverSelectionTimeoutMS: 5000 })
      .asPromise();
    const store = new MongoTenancyStore(
      connection,
      connection.model('TenancyOrg', orgSchema, 'tenancy_orgs'),
      connection.model('TenancyProject', projectSchema, 'tenancy_projects'),
      connection.model('TenancyMember', memberSchema, 'tenancy_members'),
      connection.model('TenancyKey', keySchema, 'tenancy_keys'),
      connection.model('TenancyUsage', usageSchema, 'tenancy_usage'),
      connection.model('BillingEvent', eventSchema, 'billing_events'),
    );
    await Promise.all([store.projects.init(), store.members.init(), store.keys.init(), store.usage.init()]);
    return store;
  }

  async createOrg(org: Organization): Promise<void> {
    await this.orgs.create({ _id: org.id, ...org, plan: org.plan ?? null, stripe_customer_id: null });
  }

  getOrg(id: string): Promise<Organization | null> {
    return this.orgs.findById(id, PROJECTION).lean<Organization>().exec();
  }

  async createProject(project: Project): Promise<void> {
    await this.projects.create({ _id: project.id, ...project });
  }

  getProject(id: string): Promise<Project | null> {
    return this.projects.findById(id, PROJECTION).lean<Project>().exec();
  }

  listProjects(orgId: string | null): Promise<Project[]> {
    return this.projects
      .find(orgId === null ? {} : { org_id: orgId }, PROJECTION)
      .sort({ id: 1 })
      .lean<Project[]>()
      .exec();
  }

  async setMember(member: Member): Promise<void> {
    // One document per (org, user): the id says which, so a repeated call changes the role only.
    const _id = `${member.org_id}\u001f${member.user_id}`;
    await this.members.updateOne({ _id }, { $set: member }, { upsert: true });
  }

  listMembers(orgId: string): Promise<Member[]> {
    return this.members.find({ org_id: orgId }, PROJECTION).sort({ user_id: 1 }).lean<Member[]>().exec();
  }

  async createKey(key: ApiKeyRecord): Promise<void> {
    await this.keys.create({ _id: key.id, ...key, revoked_at: null });
  }

  findKeyByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    return this.keys.findOne({ prefix }, PROJECTION).lean<ApiKeyRecord>().exec();
  }

  listKeys(projectId: string): Promise<ApiKeyRecord[]> {
    return this.keys
      .find({ project_id: projectId }, PROJECTION)
      .sort({ id: 1 })
      .lean<ApiKeyRecord[]>()
      .exec();
  }

  async revokeKey(projectId: string, id: string, at: string): Promise<boolean> {
    const result = await this.keys.updateOne(
      { _id: id, project_id: projectId, revoked_at: null },
      { $set: { revoked_at: at } },
    );
    return result.modifiedCount > 0;
  }

  async setPlan(orgId: string, plan: string): Promise<boolean> {
    return (await this.orgs.updateOne({ _id: orgId }, { $set: { plan } })).matchedCount > 0;
  }

  async setStripeCustomer(orgId: string, customerId: string): Promise<boolean> {
    return (
      (await this.orgs.updateOne({ _id: orgId }, { $set: { stripe_customer_id: customerId } })).matchedCount >
      0
    );
  }

  async recordUsage(records: UsageRecord[]): Promise<void> {
    if (!records.length) return;
    const docs = records.map((r) => ({ _id: r.id, ...r, day: r.at.slice(0, 10), reported_at: null }));
    try {
      await this.usage.insertMany(docs, { ordered: false });
    } catch (err) {
      // A record whose id exists is a retry: duplicate-key errors alone are success.
      const writeErrors = (err as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
      const onlyDuplicates = writeErrors?.every((e) => (e.code ?? e.err?.code) === 11000);
      if (!onlyDuplicates) throw err;
    }
  }

  async usageByDay(projectId: string, from: string, to: string) {
    const rows = await this.usage
      .find({ project_id: projectId, at: { $gte: from, $lt: to } }, { day: 1, metric: 1, quantity: 1 })
      .lean<{ day: string; metric: string; quantity: number }[]>();
    const sums = new Map<string, { day: string; metric: string; quantity: number }>();
    for (const r of rows) {
      const key = `${r.day}\u001f${r.metric}`;
      const row = sums.get(key) ?? { day: r.day, metric: r.metric, quantity: 0 };
      row.quantity += r.quantity;
      sums.set(key, row);
    }
    return [...sums.values()].sort((a, b) => (a.day + a.metric < b.day + b.metric ? -1 : 1));
  }

  unreportedUsage(limit: number): Promise<UsageRecord[]> {
    return this.usage
      .find({ reported_at: null }, { _id: 0, id: 1, project_id: 1, metric: 1, quantity: 1, at: 1 })
      .sort({ at: 1, id: 1 })
      .limit(limit)
      .lean<UsageRecord[]>()
      .exec();
  }

  async markReported(ids: string[], at: string): Promise<void> {
    if (ids.length) await this.usage.updateMany({ _id: { $in: ids } }, { $set: { reported_at: at } });
  }

  async seenEvent(id: string): Promise<boolean> {
    return (await this.events.countDocuments({ _id: id })) > 0;
  }

  async markEvent(id: string, at: string): Promise<void> {
    await this.events.updateOne({ _id: id }, { $setOnInsert: { at } }, { upsert: true });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
