import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Embedder, EngramError } from '@engram/core';
import { readTable, type WordTable } from './table';

/** The table distilled from USE-lite by this package's build (scripts/distill.js), beside the code. */
export const DEFAULT_TABLE = path.join(__dirname, '..', 'dist', 'static-use-lite.bin');

/**
 * Letters of one word that are spelled from sub-word pieces. A longer run (a hash, base64,
 * DNA, a URL with its punctuation gone) carries no more meaning for a word-average embedding,
 * and capping it keeps the work per word constant whatever a client sends.
 */
export const MAX_SPELLED_LETTERS = 64;

/** Lower-cased, accents folded, split into runs of letters and runs of digits. */
export function tokenize(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .match(/[a-z]+|[0-9]+/g) ?? []
  );
}

/**
 * A static embedder: each word has a vector (the distilled model's embedding of that word
 * alone) and a weight (rarer words weigh more); a text is the weighted average of its words,
 * normalised. Words outside the table are spelled from sub-word pieces. Nothing runs but
 * arithmetic, so it embeds thousands of texts a second on one core, at a cost in recall that
 * the benchmark measures.
 */
export class StaticEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimension: number;
  private readonly rowOf = new Map<string, number>();
  private readonly table: WordTable;
  /** The longest sub-word piece in the table: no longer slice can match, so none is tried. */
  private readonly longestPiece: number;

  constructor(tableFile: string = DEFAULT_TABLE) {
    try {
      this.table = readTable(readFileSync(tableFile));
    } catch (err) {
      throw new EngramError(
        'dependency_unavailable',
        `cannot load the word table ${tableFile}: ${(err as Error).message}`,
      );
    }
    this.modelId = this.table.header.modelId;
    this.dimension = this.table.header.dimension;
    let longest = 1;
    this.table.keys.forEach((key, row) => {
      this.rowOf.set(key, row);
      const piece = key.startsWith('##') ? key.length - 2 : key.startsWith('\u2581') ? key.length - 1 : 0;
      if (piece > longest) longest = piece;
    });
    this.longestPiece = longest;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  private embedOne(text: string): Float32Array {
    const { weights, scales, vectors } = this.table;
    const dim = this.dimension;
    const sum = new Float64Array(dim);
    for (const word of tokenize(text)) {
      for (const row of this.rowsOf(word)) {
        const w = weights[row]!;
        const base = row * dim;
        for (let d = 0; d < dim; d++) sum[d]! += w * vectors[base + d]!;
      }
    }
    const out = new Float32Array(dim);
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      out[d] = sum[d]! * scales[d]!;
      norm += out[d]! * out[d]!;
    }
    // A text with no words (only punctuation) is the zero vector: it matches nothing.
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) out[d]! /= norm;
    return out;
  }

  /**
   * The word's own row, else the longest pieces that spell it, left to right. Linear in the
   * word: each start tries at most `longestPiece` ends, and only the first
   * MAX_SPELLED_LETTERS letters are spelled.
   */
  private rowsOf(whole: string): number[] {
    const own = this.rowOf.get(whole);
    if (own !== undefined) return [own];
    const word = whole.length > MAX_SPELLED_LETTERS ? whole.slice(0, MAX_SPELLED_LETTERS) : whole;
    const rows: number[] = [];
    let start = 0;
    while (start < word.length) {
      let end = Math.min(word.length, start + this.longestPiece);
      let row: number | undefined;
      for (; end > start; end--) {
        row = this.rowOf.get(`${start === 0 ? '\u2581' : '##'}${word.slice(start, end)}`);
        if (row !== undefined) break;
      }
      if (row === undefined) {
        start++; // a character no piece covers: skip it
        continue;
      }
      rows.push(row);
      start = end;
    }
    return rows;
  }
}
