import { parseServerTiming } from '@engram/core';
import type { Question, Turn } from './locomo';
import { percentile, round } from './metrics';
import { BENCH_KEY, call, ingest } from './server-process';

export interface LatencyStats {
  clients: number;
  requests: number;
  throughput_rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

/** Median and 95th percentile of latencies in ms (sorts them in place). */
export function latencySummary(latencies: number[]): { p50_ms: number; p95_ms: number } {
  latencies.sort((a, b) => a - b);
  return { p50_ms: round(percentile(latencies, 50), 2), p95_ms: round(percentile(latencies, 95), 2) };
}

/** `clients` loops each sending one request at a time for `seconds`; latencies as the client sees them. */
export async function load(
  clients: number,
  seconds: number,
  request: (i: number) => Promise<unknown>,
): Promise<LatencyStats> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await request(n++);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    clients,
    requests: latencies.length,
    // Three significant figures: a peer that answers once in 25 s is 0.04 req/s, not 0.
    throughput_rps: Number((latencies.length / elapsed).toPrecision(3)),
    ...latencySummary(latencies),
    p99_ms: round(percentile(latencies, 99), 2),
  };
}

/** A corpus of `size` distinct memories built from LoCoMo turns, spread over many users. */
export function corpus(turns: Turn[], size: number, users = 100): { content: string; user_id: string }[] {
  return Array.from({ length: size }, (_, i) => {
    const t = turns[i % turns.length]!;
    return { content: `${t.content} (note ${i})`, user_id: `user-${i % users}` };
  });
}

/** Single adds, one at a time: what an agent writing as it talks sees. */
export async function addThroughput(url: string, turns: Turn[], count: number) {
  const items = corpus(turns, count).map((m) => ({ content: `single ${m.content}`, user_id: 'single-adds' }));
  const latencies: number[] = [];
  const started = performance.now();
  for (const item of items) {
    const t = performance.now();
    await call(`${url}/v1/memory`, 'POST', item);
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    memories: items.length,
    per_second: round(items.length / seconds, 1),
    ...latencySummary(latencies),
  };
}

export async function batchIngest(url: string, memories: { content: string; user_id: string }[]) {
  const started = performance.now();
  await ingest(url, memories);
  const seconds = (performance.now() - started) / 1000;
  return {
    memories: memories.length,
    seconds: round(seconds, 1),
    per_second: round(memories.length / seconds, 1),
  };
}

export async function searchLatency(
  url: string,
  questions: Question[],
  users: number,
  clients: number,
  seconds: number,
) {
  return load(clients, seconds, (i) =>
    call(`${url}/v1/memory/search`, 'POST', {
      query: questions[i % questions.length]!.question,
      user_id: `user-${i % users}`,
      top_k: 10,
    }),
  );
}

export async function unfilteredSearchLatency(url: string, questions: Question[], seconds: number) {
  return load(1, seconds, (i) =>
    call(`${url}/v1/memory/search`, 'POST', { query: questions[i % questions.length]!.question, top_k: 10 }),
  );
}

/**
 * Where a search's time goes, from the `Server-Timing` header the server answers with: the median
 * and p95 of each phase over `count` searches, and the client's own latency for the rest (HTTP,
 * JSON, authentication). Each search is a user's, or across the tenant when `users` is null.
 */
export async function searchProfile(url: string, questions: Question[], users: number | null, count = 500) {
  const phases: Record<string, number[]> = {};
  const client: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/v1/memory/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
      body: JSON.stringify({
        query: questions[i % questions.length]!.question,
        ...(users === null ? {} : { user_id: `user-${i % users}` }),
        top_k: 10,
      }),
    });
    if (!response.ok) throw new Error(`search answered ${response.status}`);
    await response.json();
    client.push(performance.now() - started);
    for (const [phase, ms] of Object.entries(parseServerTiming(response.headers.get('server-timing')))) {
      const values = phases[phase] ?? [];
      values.push(ms);
      phases[phase] = values;
    }
  }
  return {
    searches: count,
    client: latencySummary(client),
    phases: Object.fromEntries(
      Object.entries(phases).map(([phase, values]) => [phase, latencySummary(values)]),
    ),
  };
}
