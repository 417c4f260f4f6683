import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { analyticsBench } from './analytics';
import { annBench } from './ann';
import { embedderBench } from './embedders';
import { loadLocomo } from './locomo';
import { mem0Quality, mem0Speed } from './peer-mem0';
import { BACKEND_SETS } from './production-backends';
import { bm25Quality, engramQuality } from './quality';
import { rateLimitBench } from './rate-limit';
import { renderMarkdown, updateReadme } from './report';
import { responsiveness } from './responsiveness';
import { call, startServer } from './server-process';
import {
  addThroughput,
  batchIngest,
  corpus,
  searchLatency,
  searchProfile,
  unfilteredSearchLatency,
} from './speed';
import { temporalBatchBench } from './temporal-batches';
import { trainedRerankerQuality } from './trained-reranker';

const ROOT = path.resolve(__dirname, '../..');

function args() {
  const argv = process.argv.slice(2);
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const data = value('--data') ?? path.resolve(ROOT, '../shared/bench/locomo-dev.json');
  if (!existsSync(data)) {
    console.error(
      `LoCoMo data not found at ${data}; pass --data PATH (the dataset is CC BY-NC and not in this repo)`,
    );
    process.exit(2);
  }
  return {
    data,
    quick: argv.includes('--quick'),
    only: value('--only'),
    seconds: Number(value('--seconds') ?? 10),
    /** `--size N`: the speed case at N memories only (1,000,000 is run by hand, outside CI). */
    size: value('--size') === undefined ? undefined : Number(value('--size')),
    serverMain: value('--server-main'),
    /** `--sets a,b`: the backend sets `--only backends` runs (all of them by default). */
    sets: value('--sets')?.split(','),
  };
}

const dbBytes = (dir: string) =>
  ['engram.db', 'engram.db-wal'].reduce(
    (sum, f) => sum + (existsSync(path.join(dir, f)) ? statSync(path.join(dir, f)).size : 0),
    0,
  );

async function main() {
  const opts = args();
  const { turns, questions } = loadLocomo(opts.data);
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const result: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine,
    dataset: { file: path.basename(opts.data), memories: turns.length, questions: questions.length },
  };

  if (!opts.only || opts.only === 'quality') {
    console.log(`quality: ingesting ${turns.length} LoCoMo turns and asking ${questions.length} questions`);
    const engramWith = async (embedder: string) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'engram-bench-'));
      const server = await startServer(dir, 18_500, { ENGRAM_EMBEDDER: embedder });
      const run = await engramQuality(server.url, turns, questions);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
      return run;
    };
    const engram = await engramWith('static');
    console.log('quality: the same with the USE-lite model itself');
    const engramUse = await engramWith('use-lite');
    const bm25 = await bm25Quality(turns, questions);
    console.log('quality: the same through mem0 (mem0ai/oss, same embedder, no LLM)');
    const mem0 = await mem0Quality(turns, questions);
    console.log('quality: the trained reranker, cross-validated across conversations (in process)');
    const trainedDir = mkdtempSync(path.join(tmpdir(), 'engram-bench-'));
    const trained = await trainedRerankerQuality(path.join(trainedDir, 'locomo.db'));
    rmSync(trainedDir, { recursive: true, force: true });
    const ratio = (other: typeof bm25) =>
      Math.round((engram.scores.recall['@10']! / other.recall['@10']!) * 100) / 100;
    result.quality = {
      engram: engram.scores,
      engram_use_lite: engramUse.scores,
      mem0,
      bm25,
      ratio_recall10_vs_mem0: ratio(mem0),
      ratio_recall10_vs_bm25: ratio(bm25),
      trained_reranker: {
        default: trained.default,
        trained: trained.trained,
        heads: trained.folds.map((f) => f.head),
      },
      ingest_seconds: Math.round(engram.ingestSeconds),
      ingest_seconds_use_lite: Math.round(engramUse.ingestSeconds),
    };
    console.log(JSON.stringify(result.quality, null, 2));
  }

  if (!opts.only || opts.only === 'speed') {
    const sizes = opts.size ? [opts.size] : opts.quick ? [10_000] : [10_000, 100_000];
    const speed: Record<string, unknown>[] = [];
    for (const size of sizes) {
      console.log(`speed: ${size} memories`);
      const dir = mkdtempSync(path.join(tmpdir(), 'engram-bench-'));
      const server = await startServer(dir, 18_501);
      // 1,000 memories a user at every size: 100,000 is 100 users, 1,000,000 is 1,000.
      const users = Math.max(10, size / 1000);
      // The tenant searches without a filter from the start (as below), so it keeps an
      // approximate index up as it grows, and the ingest pays for that (a tenant searched only
      // per user keeps none: faster ingest, measured in the README).
      await call(`${server.url}/v1/memory/search`, 'POST', { query: questions[0]!.question, top_k: 10 });
      const ingest = await batchIngest(server.url, corpus(turns, size, users));
      const single = await addThroughput(server.url, turns, 200);
      // Measured before the searches below fill the query logs.
      const diskPer1000 = Math.round((dbBytes(dir) / (size + single.memories)) * 1000);
      const search1 = await searchLatency(server.url, questions, users, 1, opts.seconds);
      const profile = await searchProfile(server.url, questions, users);
      const search16 = await searchLatency(server.url, questions, users, 16, opts.seconds);
      const unfiltered = await unfilteredSearchLatency(server.url, questions, opts.seconds);
      const profileNoFilter = await searchProfile(server.url, questions, null, 200);
      const peak = server.peakRssMiB();
      await server.stop();
      // The same data served by one process per core (ENGRAM_PROCESSES). Each process loads the
      // approximate index the stopped server saved (it would build its own otherwise: ~20 s of
      // CPU at 100,000, minutes at 1,000,000): measured after start-up settles.
      const processes = cpus().length;
      const cluster = await startServer(dir, 18_501, { ENGRAM_PROCESSES: String(processes) });
      await new Promise((r) => setTimeout(r, Math.min(240_000, Math.max(10_000, (size / 100_000) * 60_000))));
      const cluster1 = await searchLatency(cluster.url, questions, users, 1, opts.seconds);
      const cluster16 = await searchLatency(cluster.url, questions, users, 16, opts.seconds);
      await cluster.stop();
      // The peer on the same corpus, in the same run (up to 10 minutes of adds).
      console.log(`speed: mem0 OSS, ${size} memories`);
      const mem0 = await mem0Speed(corpus(turns, size, users), questions, users, opts.seconds);
      speed.push({
        memories: size,
        measured: new Date().toISOString().slice(0, 16),
        batch_ingest: ingest,
        single_add: single,
        search_user_filter: [search1, search16],
        search_profile: profile,
        search_processes: { processes, clients: [cluster1, cluster16] },
        mem0,
        search_no_filter: unfiltered,
        search_profile_no_filter: profileNoFilter,
        peak_rss_mib: peak,
        disk_bytes_per_1000: diskPer1000,
      });
      console.log(JSON.stringify(speed[speed.length - 1], null, 2));
      rmSync(dir, { recursive: true, force: true });
    }
    result.speed = speed;
  }

  if (!opts.only || opts.only === 'analytics') {
    const searches = opts.quick ? 100_000 : 1_000_000;
    console.log(
      `analytics: rollups of ${searches.toLocaleString('en')} logged searches, and the dashboard's overview`,
    );
    result.analytics = await analyticsBench(searches);
    console.log(JSON.stringify(result.analytics, null, 2));
  }

  if (!opts.only || opts.only === 'embedders') {
    console.log('embedders: the offline embedders alone on the LoCoMo turns');
    result.embedders = await embedderBench(turns, questions);
    console.log(JSON.stringify(result.embedders, null, 2));
  }

  if (!opts.only || opts.only === 'ann') {
    const size = opts.quick ? 10_000 : 100_000;
    console.log(`ann: ${size} vectors, tenant-wide search without a filter`);
    result.ann = await annBench(turns, questions, size);
    console.log(JSON.stringify(result.ann, null, 2));
  }

  if (!opts.only || opts.only === 'responsiveness') {
    // --server-main runs it against another build (e.g. a checkout before a change) for comparison.
    console.log('responsiveness: /health while 50 x 15 KB batches and searches run');
    const dir = mkdtempSync(path.join(tmpdir(), 'engram-bench-'));
    const server = await startServer(dir, 18_503, {}, opts.serverMain);
    result.responsiveness = {
      measured: new Date().toISOString().slice(0, 16),
      ...(await responsiveness(server.url, turns, questions, Math.max(opts.seconds, 20))),
    };
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(JSON.stringify(result.responsiveness, null, 2));
    if (opts.serverMain) return; // a comparison run does not overwrite this build's results
  }

  if (opts.only === 'ratelimit') {
    console.log('ratelimit: what the cloud rate limiter adds per request, with Redis and in process');
    result.rate_limit = await rateLimitBench();
    console.log(JSON.stringify(result.rate_limit, null, 2));
  }

  if (opts.only === 'temporal') {
    console.log('temporal: one 10,000-item batch on Temporal, with one worker process and with two');
    result.temporal_batches = await temporalBatchBench(turns, opts.quick ? 2_000 : 10_000);
    console.log(JSON.stringify(result.temporal_batches, null, 2));
  }

  if (opts.only === 'backends') {
    // The same speed run on the embedded default and on the production set that runs here.
    const rows: Record<string, unknown> = {};
    const backendSize = opts.size ?? 1_000;
    for (const set of BACKEND_SETS.filter((s) => !opts.sets || opts.sets.includes(s.name))) {
      console.log(`backends: ${set.name}, ${backendSize} memories`);
      const backends = await set.start();
      const dir = mkdtempSync(path.join(tmpdir(), 'engram-bench-'));
      // Stopped whatever happens: a failed run once left its server and backends running,
      // holding the port the next run needed.
      const server = await startServer(dir, 18_502, backends.env).catch(async (err: unknown) => {
        await backends.stop();
        throw err;
      });
      try {
        const users = 20;
        const ingest = await batchIngest(server.url, corpus(turns, backendSize, users));
        const single = await addThroughput(server.url, turns, 200);
        const search1 = await searchLatency(server.url, questions, users, 1, opts.seconds);
        const search16 = await searchLatency(server.url, questions, users, 16, opts.seconds);
        const profile = await searchProfile(server.url, questions, users, 150);
        rows[set.name] = {
          label: set.label,
          batch_ingest: ingest,
          single_add: single,
          search_user_filter: [search1, search16],
          search_profile: profile,
        };
      } finally {
        await server.stop();
        await backends.stop();
        rmSync(dir, { recursive: true, force: true });
      }
      console.log(JSON.stringify(rows[set.name], null, 2));
    }
    result.backends = {
      memories: backendSize,
      measured: new Date().toISOString().slice(0, 16),
      machine,
      ...rows,
    };
    if (opts.sets) {
      console.log('--sets ran some backend sets only: results not written');
      return;
    }
  }

  const out = path.join(ROOT, 'bench/results');
  mkdirSync(out, { recursive: true });
  const previous = existsSync(path.join(out, 'latest.json'))
    ? JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'))
    : {};
  const merged = { ...previous, ...result };
  // One part run alone (--only) keeps the date and machine of the run the other tables came
  // from; a part that can run on another day names its own (the backends table).
  if (opts.only && previous.machine) {
    merged.date = previous.date;
    merged.machine = previous.machine;
  }
  // A run of some sizes (--quick) replaces those rows and keeps the others, each with its date.
  if (result.speed && previous.speed) {
    const sizes = new Set((result.speed as { memories: number }[]).map((s) => s.memories));
    merged.speed = [
      ...previous.speed.filter((s: { memories: number }) => !sizes.has(s.memories)),
      ...(result.speed as object[]),
    ].sort((a, b) => (a as { memories: number }).memories - (b as { memories: number }).memories);
  }
  writeFileSync(path.join(out, 'latest.json'), `${JSON.stringify(merged, null, 2)}\n`);
  const markdown = renderMarkdown(merged);
  writeFileSync(path.join(out, 'latest.md'), markdown);
  updateReadme(path.join(ROOT, 'README.md'), markdown);
  console.log(`\n${markdown}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
