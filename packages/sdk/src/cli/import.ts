import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddMemoryRequest, Batch, EngramClient } from '../client';
import { Progress } from './progress';
import { formatOf, readRecords } from './records';

export interface ImportOptions {
  format?: string;
  /** For records that name no user. */
  userId?: string;
  batchSize: number;
  /** Batches sent before the first is confirmed (the server works on several at once). */
  inFlight: number;
  progress: boolean;
  /** Ignore a checkpoint left by an interrupted run and start from the first record. */
  restart: boolean;
}

export interface ImportSummary {
  file: string;
  records: number;
  /** Records the server holds now: added, or found identical to a current memory. */
  imported: number;
  failed: number;
  resumed_from: number;
  seconds: number;
  errors: { record: number; code: string; message: string; field?: string }[];
}

interface Checkpoint {
  file_sha256: string;
  url: string;
  next_record: number;
  imported: number;
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
    imported: 0,
    failed: 0,
    errors: [],
  };
  if (!options.restart && existsSync(checkpointFile)) {
    const saved = JSON.parse(readFileSync(checkpointFile, 'utf8')) as Checkpoint;
    // A checkpoint of another file's content or another server does not apply.
    if (saved.file_sha256 === fileSha && saved.url === client.url) checkpoint = saved;
  }
  const resumedFrom = checkpoint.next_record;
  const progress = new Progress(records.length, 'import', process.stderr, options.progress, resumedFrom);
  progress.update(resumedFrom, resumedFrom ? `(resumed at ${resumedFrom})` : '');
  // Batches run `inFlight` at a time; the checkpoint only moves past a batch once every batch
  // before it is done, so a resumed run sends again (by the same keys) whatever was unconfirmed.
  const starts: number[] = [];
  for (let first = resumedFrom; first < records.length; first += options.batchSize) starts.push(first);
  const finished = new Map<number, Batch>();
  let done = resumedFrom;
  let next = 0;
  const advance = () => {
    for (
      let batch = finished.get(checkpoint.next_record);
      batch;
      batch = finished.get(checkpoint.next_record)
    ) {
      const first = checkpoint.next_record;
      finished.delete(first);
      checkpoint.imported += batch.succeeded;
      checkpoint.failed += batch.failed;
      for (const { index, code, message, field } of batch.errors.slice(
        0,
        KEPT_ERRORS - checkpoint.errors.length,
      )) {
        checkpoint.errors.push({ record: first + index + 1, code, message, ...(field && { field }) });
      }
      checkpoint.next_record = first + batch.total;
    }
    // Written whole or not at all (rename is atomic): a kill mid-write leaves the last one.
    writeFileSync(`${checkpointFile}.tmp`, JSON.stringify(checkpoint));
    renameSync(`${checkpointFile}.tmp`, checkpointFile);
  };
  const worker = async () => {
    while (next < starts.length) {
      const first = starts[next++]!;
      const chunk = records.slice(first, first + options.batchSize);
      const accepted = await client.submitBatch(
        { memories: chunk },
        { idempotencyKey: `import-${fileSha.slice(0, 40)}-${options.batchSize}-${first}` },
      );
      finished.set(first, await client.waitForBatch(accepted.batch_id));
      done += chunk.length;
      advance();
      progress.update(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.inFlight) }, worker));
  progress.finish();
  rmSync(checkpointFile, { force: true });
  rmSync(`${checkpointFile}.tmp`, { force: true });
  return {
    file,
    records: records.length,
    imported: checkpoint.imported,
    failed: checkpoint.failed,
    resumed_from: resumedFrom,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    errors: checkpoint.errors,
  };
}
