import type { AddMemoryRequest } from '../client';

/**
 * Reading files to import: Engram's own export (NDJSON of memories), any JSONL of memory
 * inputs, CSV with a header row, and mem0's export (`{"results": [...]}` or an array of mem0
 * memories). Each record becomes one add request; what Engram assigns itself (id, timestamps,
 * version) is dropped, so an export imports again as the same memories.
 */

export type ImportFormat = 'jsonl' | 'csv' | 'mem0';

export function formatOf(file: string, given?: string): ImportFormat {
  if (given) {
    if (given === 'jsonl' || given === 'csv' || given === 'mem0') return given;
    throw new Error(`--format must be jsonl, csv or mem0, not ${given}`);
  }
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.json$/i.test(file)) return 'mem0';
  return 'jsonl';
}

const INPUT_FIELDS = [
  'content',
  'user_id',
  'namespace',
  'agent_id',
  'session_id',
  'type',
  'metadata',
  'tags',
  'relations',
  'valid_from',
  'event_time',
] as const;

type Record_ = Record<string, unknown>;

/** An Engram memory (or memory input) as an add request. */
function fromEngram(record: Record_): AddMemoryRequest {
  const input: Record_ = {};
  for (const field of INPUT_FIELDS) {
    if (record[field] !== undefined && record[field] !== null) input[field] = record[field];
  }
  return input as AddMemoryRequest;
}

/** A mem0 memory: `memory` is the text, `run_id` the session, `categories` become tags. */
function fromMem0(record: Record_): AddMemoryRequest {
  const input: Record_ = { content: record.memory ?? record.text ?? record.content };
  if (record.user_id) input.user_id = record.user_id;
  if (record.agent_id) input.agent_id = record.agent_id;
  if (record.run_id) input.session_id = record.run_id;
  const metadata = { ...((record.metadata as Record_ | null) ?? {}) };
  if (record.id) metadata.mem0_id = record.id;
  if (Object.keys(metadata).length) input.metadata = metadata;
  if (Array.isArray(record.categories) && record.categories.length) input.tags = record.categories;
  if (typeof record.created_at === 'string') input.valid_from = record.created_at;
  return input as AddMemoryRequest;
}

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** CSV columns are the input fields; `tags` separated by `;`, `metadata` as JSON. */
function fromCsv(header: string[], cells: string[]): AddMemoryRequest {
  const input: Record_ = {};
  header.forEach((column, i) => {
    const value = cells[i]?.trim();
    if (!value) return;
    if (column === 'tags')
      input.tags = value
        .split(';')
        .map((t) => t.trim())
        .filter(Boolean);
    else if (column === 'metadata')
      input.metadata = { ...(input.metadata as Record_ | undefined), ...JSON.parse(value) };
    else if ((INPUT_FIELDS as readonly string[]).includes(column)) input[column] = value;
    else {
      // Other columns are kept as metadata rather than lost.
      input.metadata = { ...(input.metadata as Record_ | undefined), [column]: value };
    }
  });
  return input as AddMemoryRequest;
}

/** Every record of a file, in order, as add requests. */
export function readRecords(text: string, format: ImportFormat): AddMemoryRequest[] {
  if (format === 'csv') {
    const [header, ...rows] = parseCsv(text);
    if (!header?.includes('content')) throw new Error('the CSV needs a header row with a content column');
    return rows.map((cells) =>
      fromCsv(
        header.map((h) => h.trim()),
        cells,
      ),
    );
  }
  if (format === 'mem0') {
    const document = JSON.parse(text) as unknown;
    const list = Array.isArray(document)
      ? document
      : ((document as Record_).results ?? (document as Record_).memories);
    if (!Array.isArray(list)) throw new Error('a mem0 export is an array of memories or {"results": [...]}');
    return (list as Record_[]).map(fromMem0);
  }
  return text
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== '')
    .map(([line, number]) => {
      try {
        const record = JSON.parse(line) as Record_;
        return typeof record.memory === 'string' && record.content === undefined
          ? fromMem0(record)
          : fromEngram(record);
      } catch (err) {
        throw new Error(`line ${number}: ${(err as Error).message}`);
      }
    });
}
