/**
 * Schema versions, applied in order; never edit one that has shipped, add the next.
 * The vector table is created by SqliteVectorIndex.init, because its dimension comes from
 * the embedding model.
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE memories (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    user_id TEXT, namespace TEXT, agent_id TEXT, session_id TEXT,
    content TEXT NOT NULL,
    type TEXT NOT NULL,
    metadata TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX memories_by_tenant ON memories (tenant_id, id);
  CREATE INDEX memories_by_user ON memories (tenant_id, user_id, id);

  CREATE TABLE memory_versions (
    tenant_id TEXT NOT NULL,
    memory_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    change TEXT NOT NULL,
    content TEXT NOT NULL,
    type TEXT NOT NULL,
    metadata TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, memory_id, version)
  ) WITHOUT ROWID;

  -- One integer key per indexed memory, shared by the vector and full-text tables,
  -- which address their rows by integer rowid.
  CREATE TABLE index_keys (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    memory_id TEXT NOT NULL,
    UNIQUE (tenant_id, memory_id)
  );
  CREATE VIRTUAL TABLE memories_fts USING fts5(content, tokenize = 'porter unicode61 remove_diacritics 2');

  CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    user_key TEXT NOT NULL, -- user_id, or '' for tenant-wide entities: NULLs would defeat UNIQUE
    user_id TEXT,
    name TEXT NOT NULL,
    norm TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, user_key, norm)
  );
  CREATE INDEX entities_by_tenant ON entities (tenant_id, id);

  CREATE TABLE edges (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    type TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX edges_by_source ON edges (tenant_id, source_id, type);
  CREATE INDEX edges_by_target ON edges (tenant_id, target_id, type);

  CREATE TABLE query_logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL,
    user_id TEXT,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX query_logs_by_tenant ON query_logs (tenant_id, seq);
  CREATE TABLE retrieval_logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    search_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    memory_id TEXT NOT NULL,
    user_id TEXT,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX retrieval_logs_by_tenant ON retrieval_logs (tenant_id, seq);
  CREATE INDEX retrieval_logs_by_search ON retrieval_logs (tenant_id, search_id);
  CREATE INDEX retrieval_logs_by_memory ON retrieval_logs (tenant_id, memory_id, seq);
  CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    search_id TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX feedback_by_search ON feedback (tenant_id, search_id);

  CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    data TEXT NOT NULL,
    items TEXT NOT NULL
  );

  CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX webhook_subscriptions_by_tenant ON webhook_subscriptions (tenant_id, id);
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    subscription_id TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (tenant_id, subscription_id, id);

  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX jobs_due ON jobs (status, run_at);
  `,
  `
  -- Finding the turns around a memory in its session (search's context signal).
  CREATE INDEX memories_by_session ON memories (tenant_id, session_id, id);
  `,
  `
  -- Full-text rows carry scope tokens (tenant, tenant+user) that the MATCH itself filters on:
  -- per-user search then reads that user's postings only (0.75 ms instead of 10 ms at 100k).
  CREATE VIRTUAL TABLE memories_text USING fts5(content, scope, tokenize = 'porter unicode61 remove_diacritics 2');
  INSERT INTO memories_text (rowid, content, scope)
    SELECT f.rowid, f.content,
           't' || hex(k.tenant_id) || ' u' || hex(k.tenant_id || char(31) || coalesce(m.user_id, ''))
    FROM memories_fts f JOIN index_keys k ON k.rowid = f.rowid
    JOIN memories m ON m.tenant_id = k.tenant_id AND m.id = k.memory_id;
  DROP TABLE memories_fts;
  `,
  // 4: the search indexes keep their own copy of the filterable fields, so they filter without
  // the memories table and work beside a MemoryStore in another database (e.g. MongoDB).
  `
  ALTER TABLE index_keys ADD COLUMN user_id TEXT;
  ALTER TABLE index_keys ADD COLUMN namespace TEXT;
  ALTER TABLE index_keys ADD COLUMN agent_id TEXT;
  ALTER TABLE index_keys ADD COLUMN session_id TEXT;
  ALTER TABLE index_keys ADD COLUMN type TEXT;
  ALTER TABLE index_keys ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE index_keys ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE index_keys ADD COLUMN created_at TEXT;
  UPDATE index_keys AS k SET user_id = m.user_id, namespace = m.namespace, agent_id = m.agent_id,
    session_id = m.session_id, type = m.type, metadata = m.metadata, tags = m.tags, created_at = m.created_at
  FROM memories m WHERE m.tenant_id = k.tenant_id AND m.id = k.memory_id;
  `,
  // 5: the index check after a restart reads the memories written in the last minutes.
  `
  CREATE INDEX memories_by_updated ON memories (updated_at);
  `,
  `
  -- Validity: when a memory holds, and why a version was written.
  ALTER TABLE memories ADD COLUMN valid_from TEXT;
  ALTER TABLE memories ADD COLUMN valid_to TEXT;
  ALTER TABLE memories ADD COLUMN event_time TEXT;
  ALTER TABLE memory_versions ADD COLUMN valid_to TEXT;
  ALTER TABLE memory_versions ADD COLUMN reason TEXT;
  `,
  `
  -- Answers of requests sent with an Idempotency-Key.
  CREATE TABLE idempotency_keys (
    tenant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    expires_at INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
  `,
  `
  -- A batch's items in pages (written as a batch streams in); batches.items holds '[]' from here on.
  CREATE TABLE batch_items (
    tenant_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    items TEXT NOT NULL,
    PRIMARY KEY (tenant_id, batch_id, start)
  ) WITHOUT ROWID;
  `,
  `
  -- Each memory's fingerprint (content, scopes, type, metadata): duplicates found in one lookup.
  ALTER TABLE memories ADD COLUMN fingerprint TEXT;
  CREATE INDEX memories_by_fingerprint ON memories (tenant_id, fingerprint);
  `,
  `
  -- Every vector written or removed, in order: each process's approximate index replays what
  -- other processes sharing the file changed (see ann-index.ts). Pruned to the recent past.
  CREATE TABLE vector_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL,
    key INTEGER NOT NULL
  );
  `,
  `
  -- A search across the tenant finds the query's names in every user's graph: without this the
  -- look-up read all the tenant's entities (13 ms a search at 100,000 memories).
  CREATE INDEX entities_by_norm ON entities (tenant_id, norm);
  -- A user's search with a further filter (namespace, agent, tags...) scans that user's keys,
  -- not the tenant's (32 ms at 100,000 memories, 100 users).
  CREATE INDEX index_keys_by_user ON index_keys (tenant_id, user_id);
  -- A user's query logs and entities, newest first, read from that user's rows: listing them
  -- walked the tenant's rows back from the newest until enough were the user's (all of them,
  -- for a user with few).
  CREATE INDEX query_logs_by_user ON query_logs (tenant_id, user_id, seq);
  CREATE INDEX entities_by_user ON entities (tenant_id, user_key, id);
  `,
  `
  -- A user's search reads only that user's postings (user-terms.ts): each memory's stemmed words
  -- behind a key of its user. Memories indexed before this are added in the background, newest
  -- first (UserTermsBackfill); until then a user's search reads memories_text as before.
  CREATE VIRTUAL TABLE memories_terms USING fts5(
    terms, content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61 remove_diacritics 0'
  );
  INSERT INTO meta (key, value)
    SELECT 'text.user_terms_backfill_below', (SELECT max(rowid) FROM memories_text)
    WHERE EXISTS (SELECT 1 FROM memories_text);
  `,
];
