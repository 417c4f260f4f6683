import type { Question, Turn } from './locomo';
import { percentile, round } from './metrics';
import { call, ingest } from './server-process';

/** About 15 KB of ordinary prose: the size limit of one memory, made of LoCoMo turns. */
function largeItem(turns: Turn[], offset: number, bytes = 14_000): string {
  let text = '';
  for (let i = offset; Buffer.byteLength(text) < bytes; i++) text += `${turns[i % turns.length]!.content} `;
  return text.slice(0, bytes);
}

/**
 * Is the HTTP thread free while heavy work runs? A prober asks /health every 20 ms while
 * batches of 50 large items are ingested back to back and 4 clients search. Reports the
 * prober's latency (p50/p99/max) and the searches' p95 over `seconds`.
 */
export async function responsiveness(url: string, turns: Turn[], questions: Question[], seconds: number) {
  await ingest(
    url,
    turns.slice(0, 1000).map((t) => ({ content: t.content, user_id: 'resp' })),
  );
  const until = performance.now() + seconds * 1000;
  const health: number[] = [];
  const searches: number[] = [];
  let batches = 0;
  const prober = (async () => {
    while (performance.now() < until) {
      const t = performance.now();
      await fetch(`${url}/health`);
      health.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const batcher = (async () => {
    for (let n = 0; performance.now() < until; n++) {
      const memories = Array.from({ length: 50 }, (_, i) => ({
        content: largeItem(turns, n * 50 + i * 7),
        user_id: 'resp-large',
      }));
      await call(`${url}/v1/memory/batch`, 'POST', { memories });
      batches++;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const searchers = Array.from({ length: 4 }, async (_, c) => {
    for (let i = c; performance.now() < until; i += 4) {
      const t = performance.now();
      await call(`${url}/v1/memory/search`, 'POST', {
        query: questions[i % questions.length]!.question,
        user_id: 'resp',
      });
      searches.push(performance.now() - t);
    }
  });
  await Promise.all([prober, batcher, ...searchers]);
  health.sort((a, b) => a - b);
  searches.sort((a, b) => a - b);
  return {
    seconds,
    batches_submitted: batches,
    health_probes: health.length,
    health_p50_ms: round(percentile(health, 50), 1),
    health_p99_ms: round(percentile(health, 99), 1),
    health_max_ms: round(health[health.length - 1] ?? 0, 1),
    searches: searches.length,
    search_p95_ms: round(percentile(searches, 95), 1),
  };
}
