/**
 * The word table file: a small JSON header, the keys, one weight per key and the vectors as
 * int8 with one scale per dimension (a quarter of float32's size, recall unchanged within
 * the noise of the benchmark).
 *
 *   "EGST" | u32 header bytes | header JSON | keys (UTF-8, "\n"-joined)
 *   | f32 weights[rows] | f32 scales[dimension] | i8 vectors[rows * dimension]
 *
 * Keys are lower-case words, `▁piece` for a word-initial sub-word piece and `##piece` for a
 * continuation piece, so every word can be spelled from the table.
 */
export interface TableHeader {
  /** Recorded with the vector index: a table with other vectors must never share an index. */
  modelId: string;
  dimension: number;
  rows: number;
  keysBytes: number;
  /** How the table was made, for people reading the file. */
  source: string;
}

export interface WordTable {
  header: TableHeader;
  keys: string[];
  weights: Float32Array;
  scales: Float32Array;
  vectors: Int8Array;
}

const MAGIC = 'EGST';

export function readTable(file: Buffer): WordTable {
  if (file.toString('latin1', 0, 4) !== MAGIC) throw new Error('not an Engram word table (bad magic)');
  const headerBytes = file.readUInt32LE(4);
  let offset = 8;
  const header = JSON.parse(file.toString('utf8', offset, offset + headerBytes)) as TableHeader;
  offset += headerBytes;
  const keys = file.toString('utf8', offset, offset + header.keysBytes).split('\n');
  offset += header.keysBytes;
  // Copies keep the typed arrays aligned whatever the byte offsets in the file.
  const floats = (count: number) => {
    const out = new Float32Array(count);
    Buffer.from(out.buffer).set(file.subarray(offset, offset + count * 4));
    offset += count * 4;
    return out;
  };
  const weights = floats(header.rows);
  const scales = floats(header.dimension);
  const vectors = new Int8Array(header.rows * header.dimension);
  Buffer.from(vectors.buffer).set(file.subarray(offset, offset + vectors.length));
  if (keys.length !== header.rows || offset + vectors.length !== file.length)
    throw new Error('word table is truncated or its header does not match its contents');
  return { header, keys, weights, scales, vectors };
}

export function writeTable(
  table: Omit<WordTable, 'header'> & { header: Omit<TableHeader, 'keysBytes' | 'rows'> },
): Buffer {
  const keys = Buffer.from(table.keys.join('\n'), 'utf8');
  const header: TableHeader = { ...table.header, rows: table.keys.length, keysBytes: keys.length };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length, 4);
  return Buffer.concat([
    prefix,
    json,
    keys,
    Buffer.from(table.weights.buffer, table.weights.byteOffset, table.weights.byteLength),
    Buffer.from(table.scales.buffer, table.scales.byteOffset, table.scales.byteLength),
    Buffer.from(table.vectors.buffer, table.vectors.byteOffset, table.vectors.byteLength),
  ]);
}
