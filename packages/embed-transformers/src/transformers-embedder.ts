import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Embedder, EngramError, normalize } from '@engram/core';

// The CommonJS build of transformers.js; its types describe the same API.
type Transformers = typeof import('@huggingface/transformers', { with: { 'resolution-mode': 'import' }});
type Extractor = Awaited<ReturnType<Transformers['pipeline']>>;

export interface TransformersOptions {
  /**
   * A Hugging Face model id (`Xenova/all-MiniLM-L6-v2`, `Xenova/bge-small-en-v1.5`) looked up
   * in the cache, or a folder holding `config.json`, `tokenizer.json` and `onnx/model.onnx`.
   */
  model: string;
  /** Where hub models are cached (default: transformers.js's own cache folder). */
  cacheDir?: string;
  /** Fetch the model from the hub when it is not cached (default: false, never touch the network). */
  allowDownload?: boolean;
  /** ONNX weights to load: `fp32` (onnx/model.onnx) or `q8` (onnx/model_quantized.onnx). */
  dtype?: 'fp32' | 'q8';
  /** How token vectors become one: `mean` (MiniLM, GTE, E5) or `cls` (BGE). */
  pooling?: 'mean' | 'cls';
  /** Texts per model call. */
  batchSize?: number;
}

/** Where the model is read from, and the name transformers.js looks it up by there. */
function locate(options: TransformersOptions): { folder: string | null; name: string } {
  const asPath = path.resolve(options.model);
  if (existsSync(path.join(asPath, 'config.json')))
    return { folder: path.dirname(asPath), name: path.basename(asPath) };
  return { folder: null, name: options.model };
}

/**
 * Sentence embeddings from an ONNX model run by transformers.js (ONNX Runtime on the CPU):
 * for users with a network or a model folder, MiniLM, BGE, GTE or E5 give better recall than
 * the offline defaults. Loaded once with `TransformersEmbedder.load`, which reads the model's
 * dimension from its output before anything is indexed.
 */
export class TransformersEmbedder implements Embedder {
  private constructor(
    private readonly extractor: Extractor,
    readonly modelId: string,
    readonly dimension: number,
    private readonly options: TransformersOptions,
  ) {}

  static async load(options: TransformersOptions): Promise<TransformersEmbedder> {
    const transformers: Transformers = require('@huggingface/transformers');
    const { folder, name } = locate(options);
    const { env } = transformers;
    env.allowRemoteModels = folder === null && options.allowDownload === true;
    env.allowLocalModels = true;
    if (folder) env.localModelPath = `${folder}${path.sep}`;
    if (options.cacheDir) env.cacheDir = options.cacheDir;
    const dtype = options.dtype ?? 'fp32';
    let extractor: Extractor;
    try {
      extractor = await transformers.pipeline('feature-extraction', name, {
        dtype,
        local_files_only: !env.allowRemoteModels,
      });
    } catch (err) {
      const where = folder
        ? `the folder ${path.join(folder, name)}`
        : `the model cache ${env.cacheDir ?? '(transformers.js default)'}${
            env.allowRemoteModels ? ' or the Hugging Face hub' : ' (downloads are off)'
          }`;
      throw new EngramError(
        'dependency_unavailable',
        `cannot load embedding model ${options.model} from ${where}: ${(err as Error).message}`,
      );
    }
    const probe = await TransformersEmbedder.run(extractor, ['dimension probe'], options.pooling ?? 'mean');
    const modelId = `transformers:${folder ? name : options.model}:${dtype}`;
    return new TransformersEmbedder(extractor, modelId, probe[0]!.length, options);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const size = this.options.batchSize ?? 32;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += size)
      out.push(
        ...(await TransformersEmbedder.run(
          this.extractor,
          texts.slice(i, i + size),
          this.options.pooling ?? 'mean',
        )),
      );
    return out;
  }

  async close(): Promise<void> {
    await this.extractor.dispose();
  }

  private static async run(extractor: Extractor, texts: string[], pooling: 'mean' | 'cls') {
    const output = await (extractor as (t: string[], o: object) => Promise<TensorLike>)(texts, { pooling });
    const [rows, dim] = output.dims as [number, number];
    const data = output.data as Float32Array;
    return Array.from({ length: rows }, (_, r) => normalize(data.subarray(r * dim, (r + 1) * dim)));
  }
}

interface TensorLike {
  dims: number[];
  data: ArrayLike<number>;
}
