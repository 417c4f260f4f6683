import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Engram, EngramPlugin, Principal } from '@engram/core';
import { startTestEngram } from '@engram/core/testing';
import { sqliteStorePlugin } from '@engram/store-sqlite';
import { loadLocomo, type Question } from './locomo';

export const BENCH_TENANT: Principal = { tenant_id: 'bench', subject: 'experiments', scopes: ['admin'] };

/** `--name value` from the command line, or the fallback. */
export function option(name: string, fallback: string): string {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : fallback;
}

/**
 * An in-process engine over the LoCoMo dev turns in one SQLite file, ingested on first use and
 * reused after: the experiments (tune, calibrate, prf) compare search variants on the same
 * memories, without HTTP in between.
 */
export async function locomoEngine(
  embedder: EngramPlugin,
  defaultDb: string,
): Promise<{ engram: Engram; questions: Question[] }> {
  const data = option('--data', path.resolve(__dirname, '../../../shared/bench/locomo-dev.json'));
  const db = option('--db', defaultDb);
  const fresh = !existsSync(db);
  const engram = await startTestEngram([sqliteStorePlugin({ path: db }), embedder]);
  const { turns, questions } = loadLocomo(data);
  if (fresh) {
    for (let i = 0; i < turns.length; i += 64) {
      const chunk = turns.slice(i, i + 64).map((t) => ({
        input: { content: t.content, user_id: t.user_id, session_id: t.session_id, metadata: t.metadata },
      }));
      await engram.services.memories.addMany(BENCH_TENANT.tenant_id, chunk);
    }
  }
  return { engram, questions };
}
