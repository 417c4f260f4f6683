import { readFileSync, writeFileSync } from 'node:fs';

// biome-ignore lint/suspicious/noExplicitAny: the input is this benchmark's own JSON output
type Json = Record<string, any>;

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** The README table, generated from the run's JSON (never typed in). */
export function renderMarkdown(r: Json): string {
  const lines: string[] = [];
  lines.push(
    `Measured ${r.date?.slice(0, 10)} on ${r.machine?.cpus} cores (${r.machine?.cpu}), Node ${r.machine?.node}.`,
    '',
  );
  if (r.quality) {
    const q = r.quality;
    lines.push(
      `**Retrieval quality**: LoCoMo dev (${r.dataset.memories} turns, ${q.engram.questions} questions of categories 1-4), per-user search over HTTP.`,
      '',
      '| system | recall@1 | recall@5 | recall@10 | recall@20 | nDCG@10 | cat 1 | cat 2 | cat 3 | cat 4 |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    const rows: [string, Json | undefined][] = [
      ['Engram (hybrid, static table: the default)', q.engram],
      ['Engram (hybrid, USE-lite model)', q.engram_use_lite],
      ['mem0 OSS (same static embedder, no LLM)', q.mem0],
      ['BM25 (FTS5)', q.bm25],
    ];
    for (const [name, s] of rows) {
      if (!s) continue;
      const c = (k: string) => s.by_category[k]?.recall10 ?? '–';
      lines.push(
        `| ${name} | ${s.recall['@1']} | ${s.recall['@5']} | ${s.recall['@10']} | ${s.recall['@20']} | ${s.ndcg10} | ${c('1')} | ${c('2')} | ${c('3')} | ${c('4')} |`,
      );
    }
    const vsMem0 = q.ratio_recall10_vs_mem0 ? `Engram / mem0 recall@10: ${q.ratio_recall10_vs_mem0}; ` : '';
    const ingest = q.ingest_seconds_use_lite
      ? ` Ingesting the ${r.dataset.memories} turns took ${q.ingest_seconds} s with the static table and ${q.ingest_seconds_use_lite} s with USE-lite.`
      : '';
    lines.push(
      '',
      `${vsMem0}Engram / BM25 recall@10: ${q.ratio_recall10_vs_bm25}. Category columns are recall@10.${ingest}`,
      '',
    );
  }
  if (r.quality?.trained_reranker) {
    const t = r.quality.trained_reranker;
    const row = (name: string, s: Json) =>
      `| ${name} | ${s.recall_at_1} | ${s.recall_at_5} | ${s.recall_at_10} | ${s.recall_at_20} | ${s.ndcg_at_10} | ${[1, 2, 3, 4].map((c) => s[`cat${c}_recall_at_10`] ?? '').join(' | ')} |`;
    lines.push(
      "**Trained ranking model** (the cloud trains one per project from its logs; core ships one fitted on these conversations), cross-validated across the conversations: the dev questions are searched and their evidence sent as positive feedback; for each conversation a model is trained from the logs of the other four only (the cloud's pipeline: features, boosted trees, held-out check) and that conversation is searched with and without it. Mean over the five; in process.",
      '',
      '| search | recall@1 | recall@5 | recall@10 | recall@20 | nDCG@10 | cat 1 | cat 2 | cat 3 | cat 4 |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      row('calibrated fusion, no model', t.default),
      row('with a model trained on the other four', t.trained),
      '',
      `First results reordered per fold (chosen by 5-fold cross-validation within its training searches): ${t.heads.join(', ')}. Core's default ranking model is the same pipeline fitted on all five conversations, so the table above (all-dev) is not held out for it; this one is. Category columns are recall@10.`,
      '',
    );
  }
  if (r.analytics) {
    const a = r.analytics;
    // biome-ignore lint/suspicious/noExplicitAny: rows read back from results JSON
    const times = (o: any[]) => o.map((x) => `${x.days} days: ${x.p50_ms} / ${x.p95_ms} ms`).join('; ');
    lines.push(
      `**Analytics dashboard (cloud)** at ${a.searches.toLocaleString('en')} logged searches over ${a.days} days (measured ${a.measured}): rollups kept as logs are written take ${a.sqlite.rollup_searches_per_second.toLocaleString('en')} searches/s on SQLite and ${a.ferretdb.rollup_searches_per_second.toLocaleString('en')}/s on FerretDB; the overview (p50 / p95) on SQLite: ${times(a.sqlite.overview)}; on FerretDB, reading the same rollup rows per day: ${times(a.ferretdb.overview)}. The day totals and top queries from the raw logs by an indexed GROUP BY took ${a.raw_logs_group_by_ms.toLocaleString('en')} ms.`,
      '',
    );
  }
  if (r.speed) lines.push(...performanceGoals(r));
  if (r.speed) {
    lines.push(
      '**Speed** over HTTP, server in its own process, embeddings by the default static table included:',
      '',
      '| memories (measured) | batch ingest /s | single add /s (p50, p95 ms) | search 1 client p50 / p95 / p99 ms (req/s) | search 16 clients p50 / p95 / p99 ms (req/s) | search, no user filter p50 / p95 ms | peak RSS MiB | disk bytes / 1,000 |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const s of r.speed as Json[]) {
      const [one, many] = s.search_user_filter;
      lines.push(
        `| ${s.memories.toLocaleString('en')} (${s.measured ?? 'an earlier run'}) | ${s.batch_ingest.per_second} | ${s.single_add.per_second} (${s.single_add.p50_ms}, ${s.single_add.p95_ms}) | ${one.p50_ms} / ${one.p95_ms} / ${one.p99_ms} (${one.throughput_rps}) | ${many.p50_ms} / ${many.p95_ms} / ${many.p99_ms} (${many.throughput_rps}) | ${s.search_no_filter.p50_ms} / ${s.search_no_filter.p95_ms} | ${s.peak_rss_mib} | ${s.disk_bytes_per_1000.toLocaleString('en')} |`,
      );
    }
    lines.push('');
    const clustered = (r.speed as Json[]).filter((s) => s.search_processes);
    if (clustered.length) {
      lines.push(
        '**One server process per core** (`ENGRAM_PROCESSES`, the same data, per-user search):',
        '',
        '| memories | processes | 1 client p50 / p95 ms (req/s) | 16 clients p50 / p95 ms (req/s) | 16 clients / 1 client of one process |',
        '| --- | --- | --- | --- | --- |',
      );
      for (const s of clustered) {
        const [one, many] = s.search_processes.clients;
        const single = s.search_user_filter[0].throughput_rps;
        lines.push(
          `| ${s.memories.toLocaleString('en')} | ${s.search_processes.processes} | ${one.p50_ms} / ${one.p95_ms} (${one.throughput_rps}) | ${many.p50_ms} / ${many.p95_ms} (${many.throughput_rps}) | ${Math.round((many.throughput_rps / single) * 100) / 100}x |`,
        );
      }
      lines.push('');
    }
    const peers = (r.speed as Json[]).filter((s) => s.mem0);
    if (peers.length) {
      lines.push(
        "**mem0's OSS memory on the same corpus, same run** (`mem0ai/oss`, `infer: false`, its in-memory vector store on SQLite, Engram's static embedder served to it; a library, so in the bench process, each call with one loopback HTTP call for its embedding; adds stop after 10 minutes):",
        '',
        '| memories | mem0 adds /s | Engram batch ingest /s (ratio) | mem0 search 1 client p50 / p95 ms | Engram p50 / p95 ms | Engram / mem0 search req/s |',
        '| --- | --- | --- | --- | --- | --- |',
      );
      for (const s of peers) {
        const m = s.mem0;
        const one = s.search_user_filter[0];
        const reached = m.complete
          ? m.memories.toLocaleString('en')
          : `${m.memories.toLocaleString('en')} of ${s.memories.toLocaleString('en')} in 10 min`;
        lines.push(
          `| ${reached} | ${m.ingest_per_second} | ${s.batch_ingest.per_second} (${Math.round((s.batch_ingest.per_second / m.ingest_per_second) * 100) / 100}x) | ${m.search_p50_ms} / ${m.search_p95_ms} | ${one.p50_ms} / ${one.p95_ms} | ${Math.round((one.throughput_rps / m.search_rps) * 100) / 100}x |`,
        );
      }
      lines.push('');
    }
    // The profile of a user's search, and of a search across the tenant (no user filter).
    for (const [key, what] of [
      ['search_profile', "a per-user search's"],
      ['search_profile_no_filter', "a search across the tenant's (no user filter)"],
    ] as const) {
      const profiled = (r.speed as Json[]).filter((s) => s[key]);
      if (profiled.length)
        lines.push(
          ...profileTable(
            what,
            'memories',
            profiled.map((s) => [s.memories.toLocaleString('en'), s[key]]),
          ),
        );
    }
  }
  if (r.embedders) {
    lines.push(
      '**Offline embedders alone** (LoCoMo turns; dense recall@10 is per-user cosine search with no fusion):',
      '',
      '| embedder | texts / s | threads | dense recall@10 |',
      '| --- | --- | --- | --- |',
    );
    for (const e of Object.values(r.embedders) as Json[])
      lines.push(
        `| ${e.model} | ${e.texts_per_second.toLocaleString('en')} | ${e.threads} | ${e.dense_recall_at_10} |`,
      );
    lines.push('');
  }
  if (r.ann) {
    const a = r.ann;
    lines.push(
      `**Tenant-wide search without a filter** (${a.vectors.toLocaleString('en')} vectors of ${a.dimension} dimensions, in process): exact scan p50 ${a.exact.p50_ms} ms / p95 ${a.exact.p95_ms} ms; approximate index (HNSW, float16) p50 ${a.approximate.p50_ms} ms / p95 ${a.approximate.p95_ms} ms, built in ${a.approximate.build_seconds} s in the background; it finds ${a.recall_at_10} of the exact top 10 (${a.recall_at_10_within_ties} counting near-ties within the 10th distance).`,
      '',
    );
  }
  if (r.responsiveness) {
    const h = r.responsiveness;
    lines.push(
      `**Responsiveness under heavy writes** (measured ${h.measured}): while batches of 50 memories of 14 KB each are submitted back to back (${h.batches_submitted} in ${h.seconds} s) and 4 clients search, \`/health\` answers in p50 ${h.health_p50_ms} ms / p99 ${h.health_p99_ms} ms (max ${h.health_max_ms} ms over ${h.health_probes} probes); those searches' p95 is ${h.search_p95_ms} ms. Entity extraction runs on worker threads, so the HTTP thread stays free.`,
      '',
    );
  }
  if (r.rate_limit) {
    const l = r.rate_limit;
    // biome-ignore lint/suspicious/noExplicitAny: rows read back from results JSON
    const row = (name: string, rows: any[]) =>
      `| ${name} | ${rows.map((x) => `${x.p50_ms} / ${x.p99_ms} ms (${x.per_second.toLocaleString('en')}/s)`).join(' | ')} |`;
    lines.push(
      `**Cloud rate limiter, added per request** (measured ${l.measured}; \`consume\` alone, ${l.calls.toLocaleString('en')} calls, p50 / p99 and decisions per second):`,
      '',
      '| bucket | 1 caller | 16 callers |',
      '| --- | --- | --- |',
      row('Redis (shared, one script call)', l.redis),
      row('in process (no Redis, or Redis down)', l.in_process),
      '',
    );
  }
  if (r.temporal_batches) {
    const t = r.temporal_batches;
    lines.push(
      `**Cloud batches on Temporal** (measured ${t.measured}; one batch of ${t.items.toLocaleString('en')} LoCoMo turns submitted in one request; the API server, Temporal's dev server and the workers share the 2 cores and one SQLite file):`,
      '',
      '| worker processes | items / s (submit to completed) | submit answered | first item searchable |',
      '| --- | --- | --- | --- |',
      ...t.runs.map(
        // biome-ignore lint/suspicious/noExplicitAny: rows read back from results JSON
        (x: any) =>
          `| ${x.workers} | ${x.items_per_second} (${x.seconds} s) | ${x.submit_ms} ms | ${x.first_searchable_ms} ms |`,
      ),
      '',
    );
  }
  if (r.backends) {
    const b = r.backends;
    lines.push(
      `**Embedded default vs production backends** (${b.memories.toLocaleString('en')} memories of 20 users, measured ${b.measured}; default embedder, vectors in the embedded index; every server on loopback on the same ${b.machine ? `${b.machine.cpus} cores (${b.machine.cpu}, Node ${b.machine.node})` : '2 cores'}):`,
      '',
      '| backends | batch ingest /s | single add /s (p50, p95 ms) | search 1 client p50 / p95 ms | search p95 / embedded | search 16 clients p50 / p95 ms (req/s) |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    const embeddedP95 = b.embedded?.search_user_filter?.[0]?.p95_ms;
    // biome-ignore lint/suspicious/noExplicitAny: rows read back from results JSON
    for (const [name, s] of Object.entries(b) as [string, any][]) {
      if (!s?.batch_ingest) continue;
      const [one, many] = s.search_user_filter;
      const ratio = embeddedP95 ? `${Math.round((one.p95_ms / embeddedP95) * 10) / 10}x` : '';
      lines.push(
        `| ${s.label ?? name} | ${s.batch_ingest.per_second} | ${s.single_add.per_second} (${s.single_add.p50_ms}, ${s.single_add.p95_ms}) | ${one.p50_ms} / ${one.p95_ms} | ${ratio} | ${many.p50_ms} / ${many.p95_ms} (${many.throughput_rps}) |`,
      );
    }
    lines.push('');
    // biome-ignore lint/suspicious/noExplicitAny: rows read back from results JSON
    const profiled = (Object.entries(b) as [string, any][]).filter(([, s]) => s?.search_profile);
    if (profiled.length)
      lines.push(
        ...profileTable(
          "a per-user search's",
          'backends',
          profiled.map(([name, s]) => [s.label ?? name, s.search_profile]),
        ),
      );
  }
  return `${lines.join('\n')}\n`;
}

export function updateReadme(file: string, markdown: string): void {
  const readme = readFileSync(file, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < 0) return;
  writeFileSync(file, `${readme.slice(0, a + START.length)}\n${markdown}${readme.slice(b)}`);
}

/**
 * The performance goals the project holds itself to, each against the figure this run measured
 * (or "not measured" when the run did not include that case), so a gap is as visible as a pass.
 */
function performanceGoals(r: Json): string[] {
  const speed = (size: number) => (r.speed as Json[]).find((s) => s.memories === size);
  const rows: [string, string, number | undefined, (x: number) => boolean, string][] = [];
  const at100k = speed(100_000);
  const at1m = speed(1_000_000);
  const at10k = speed(10_000);
  rows.push([
    'per-user search p95, 100,000 memories',
    '< 10 ms',
    at100k?.search_user_filter[0].p95_ms,
    (x) => x < 10,
    'ms',
  ]);
  rows.push([
    'per-user search p95, 1,000,000 memories',
    '< 15 ms',
    at1m?.search_user_filter[0].p95_ms,
    (x) => x < 15,
    'ms',
  ]);
  const scale = at100k?.search_processes
    ? at100k.search_processes.clients[1].throughput_rps / at100k.search_user_filter[0].throughput_rps
    : undefined;
  rows.push([
    '16 clients / 1 client req/s, 100,000 memories (one process per core)',
    '>= 1.5x',
    scale === undefined ? undefined : Math.round(scale * 100) / 100,
    (x) => x >= 1.5,
    'x',
  ]);
  const ingest = at100k?.batch_ingest.per_second ?? at10k?.batch_ingest.per_second;
  rows.push(['batch ingest, default embedder and extraction', '>= 1,000 /s', ingest, (x) => x >= 1000, '/s']);
  rows.push([
    'tenant-wide search (no filter) p95, 1,000,000 memories',
    '< 10 ms',
    at1m?.search_no_filter.p95_ms,
    (x) => x < 10,
    'ms',
  ]);
  const b = r.backends;
  const embedded = b?.embedded?.search_user_filter?.[0]?.p95_ms;
  const production = ['production', 'production_postgresql']
    .map((name) => b?.[name]?.search_user_filter?.[0]?.p95_ms)
    .filter((x): x is number => typeof x === 'number');
  const best = production.length && embedded ? Math.min(...production) / embedded : undefined;
  rows.push([
    `production set search p95 / embedded (${b?.memories?.toLocaleString('en') ?? '?'} memories)`,
    '<= 3x at 10,000',
    best === undefined ? undefined : Math.round(best * 10) / 10,
    (x) => x <= 3 && b?.memories >= 10_000,
    'x',
  ]);
  return [
    '**Performance goals** against this run (2 cores):',
    '',
    '| goal | target | measured | met |',
    '| --- | --- | --- | --- |',
    ...rows.map(([goal, target, value, met, unit]) =>
      value === undefined
        ? `| ${goal} | ${target} | not measured | |`
        : `| ${goal} | ${target} | ${value.toLocaleString('en')}${unit === 'x' ? 'x' : ` ${unit}`} | ${met(value) ? 'yes' : 'no'} |`,
    ),
    '',
  ];
}

/** Where searches' time goes, phase by phase (p50 / p95 ms), one row per measured case. */
function profileTable(what: string, rowName: string, rows: [string, Json][]): string[] {
  const phases = [...new Set(rows.flatMap(([, p]) => Object.keys(p.phases)))];
  const cell = (x: Json | undefined) => (x ? `${x.p50_ms} / ${x.p95_ms}` : '');
  return [
    `**Where ${what} time goes** (p50 / p95 ms of each phase, from the \`Server-Timing\` header search answers with; the client's figure adds HTTP, authentication and JSON on both sides):`,
    '',
    `| ${rowName} | ${phases.join(' | ')} | client |`,
    `| --- | ${phases.map(() => '---').join(' | ')} | --- |`,
    ...rows.map(
      ([name, p]) =>
        `| ${name} | ${phases.map((phase) => cell(p.phases[phase])).join(' | ')} | ${cell(p.client)} |`,
    ),
    '',
  ];
}
