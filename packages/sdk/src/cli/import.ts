import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddMemoryRequest, Batch, EngramClient } from '../client';
import { Progress } from './progress';
import { formatOf, readRecords } from './records';

export interface ImportOptions {
  format?: string;
  /** For records that name no user. */
  userId?: string;
  batchSize: number;
  progress: boolean;
  /** Ignore a checkpoint left by an interrupted run and start from the first record. */
  restart: boolean;
}

export interface ImportSummary {
  file: string;
  records: number;
  added: number;
  failed: number;
  resumed_from: number;
  seconds: number;
  errors: { record: number; code: string; message: string; field?: string }[];
}

interface Checkpoint {
  file_sha256: string;
  url: string;
  next_record: number;
  added: number;
  failed: number;
  errors: ImportSummary['errors'];
}

const KEPT_ERRORS = 100;

/**
 * Imports a file in batches, resumable: after each batch a checkpoint beside the file records
 * how far it got. Each batch is sent with an Idempotency-Key made of the file's hash and the
 * batch's first record, so the batch that was in flight when a run was killed is answered
 * from the server's record when it is sent again, not added twice (and were that record gone,
 * the server's deduplication of identical current memories still keeps one copy).
 */
export async function importFile(
  client: EngramClient,
  file: string,
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = Date.now();
  const text = readFileSync(file, 'utf8');
  const fileSha = createHash('sha256').update(text).digest('hex');
  const records = readRecords(text, formatOf(file, options.format)).map(
    (r): AddMemoryRequest => (options.userId && !r.user_id ? { ...r, user_id: options.userId } : r),
  );
  const checkpointFile = `${file}.engram-import.json`;
  let checkpoint: Checkpoint = {
    file_sha256: fileSha,
    url: client.url,
    next_record: 0,
    added: 0,
    failed: 0,
    errors: [],
  };
  if (!options.restart && existsSync(checkpointFile)) {
    const saved = JSON.parse(readFileSync(checkpointFile, 'utf8')) as Checkpoint;
    // A checkpoint of another file's content or another server does not apply.
    if (saved.file_sha256 === fileSha && saved.url === client.url) checkpoint = saved;
  }
  const resumedFrom = checkpoint.next_record;
  const progress = new Progress(records.length, 'import', process.stderr, options.progress);
  progress.update(checkpoint.next_record, resumedFrom ? `(resumed at ${resumedFrom})` : '');
  while (checkpoint.next_record < records.length) {
    const first = checkpoint.next_record;
    const chunk = records.slice(first, first + options.batchSize);
    const accepted = await client.submitBatch(
      { memories: chunk },
      { idempotencyKey: `import-${fileSha.slice(0, 40)}-${options.batchSize}-${first}` },
    );
    const batch: Batch = await client.waitForBatch(accepted.batch_id);
    checkpoint.added += batch.succeeded;
    checkpoint.failed += batch.failed;
    for (const error of batch.errors) {
      if (checkpoint.errors.length >= KEPT_ERRORS) break;
      const { index, code, message, field } = error;
      checkpoint.errors.push({ record: first + index + 1, code, message, ...(field && { field }) });
    }
    checkpoint.next_record = first + chunk.length;
    writeFileSync(checkpointFile, JSON.stringify(checkpoint));
    progress.update(checkpoint.next_record);
  }
  progress.finish();
  rmSync(checkpointFile, { force: true });
  return {
    file,
    records: records.length,
    added: checkpoint.added,
    failed: checkpoint.failed,
    resumed_from: resumedFrom,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    errors: checkpoint.errors,
  };
}
