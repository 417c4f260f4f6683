#!/usr/bin/env node
import { createReadStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  type Feedback,
  type LoggedSearch,
  labelSearches,
  type Memory,
  type MemoryRetrievalLog,
  MIN_TRAINING_SEARCHES,
  type QueryLog,
  trainAndEvaluate,
} from '@engram/core';

const USAGE = `engram-train-reranker DIR [--out reranker.json]

Fits a ranking model on a deployment's exported logs, with the features and the fit Engram's
cloud uses, and writes it where ENGRAM_RERANKER_MODEL can load it. DIR holds the exports:
  queries.ndjson     GET /v1/logs/queries     (Accept: application/x-ndjson)
  retrievals.ndjson  GET /v1/logs/retrievals  (Accept: application/x-ndjson)
  feedback.ndjson    GET /v1/logs/feedback    (Accept: application/x-ndjson)
  memories.ndjson    engram export
A fifth of the searches is held out; the model is written with how it measured there against
the order search answers today. Exit 1 when there is too little feedback to learn from.`;

async function* lines<T>(file: string): AsyncGenerator<T> {
  for await (const line of createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (line.trim()) yield JSON.parse(line) as T;
  }
}

async function main(argv: string[]): Promise<number> {
  const dir = argv.find((a) => !a.startsWith('-'));
  if (!dir || argv.includes('--help')) {
    console.error(USAGE);
    return dir ? 0 : 2;
  }
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1]! : 'reranker.json';
  const at = (name: string) => path.join(dir, name);

  const searches = new Map<string, LoggedSearch>();
  for await (const q of lines<QueryLog>(at('queries.ndjson')))
    searches.set(q.id, { query: q, retrievals: [], feedback: [] });
  for await (const r of lines<MemoryRetrievalLog>(at('retrievals.ndjson')))
    searches.get(r.search_id)?.retrievals.push(r);
  for await (const f of lines<Feedback>(at('feedback.ndjson'))) searches.get(f.search_id)?.feedback.push(f);
  const wanted = new Set(
    [...searches.values()].flatMap((s) => (s.feedback.length ? s.retrievals.map((r) => r.memory_id) : [])),
  );
  const memories = new Map<string, Memory>();
  for await (const m of lines<Memory>(at('memories.ndjson'))) if (wanted.has(m.id)) memories.set(m.id, m);

  const data = labelSearches([...searches.values()], memories);
  if (data.searches.length < MIN_TRAINING_SEARCHES) {
    console.error(
      `${data.searches.length} of ${data.read} searches have positive feedback on a returned memory; ` +
        `a model needs at least ${MIN_TRAINING_SEARCHES}.`,
    );
    return 1;
  }
  const result = trainAndEvaluate(data, null);
  writeFileSync(
    out,
    `${JSON.stringify({ trained_at: new Date().toISOString(), examples: result.examples, evaluation: result.evaluation, model: result.model }, null, 2)}\n`,
  );
  const { none, candidate } = result.evaluation;
  console.log(
    `trained on ${result.examples.train} searches, measured on ${result.examples.held_out} held out ` +
      `(head ${result.model.head}); the model written is then fitted on all ${result.examples.train + result.examples.held_out}:\n` +
      `  as search answers today: recall@1 ${none.recall_at_1}, recall@10 ${none.recall_at_10}, nDCG@10 ${none.ndcg_at_10}\n` +
      `  with this model:         recall@1 ${candidate.recall_at_1}, recall@10 ${candidate.recall_at_10}, nDCG@10 ${candidate.ndcg_at_10}\n` +
      `wrote ${out}: start the server with ENGRAM_RERANKER_MODEL=${out}` +
      (candidate.ndcg_at_10 <= none.ndcg_at_10
        ? '\n(it did not measure better: keep serving without it)'
        : ''),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
