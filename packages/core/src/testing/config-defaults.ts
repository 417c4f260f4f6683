/** The open-source edition's defaults (config/opensource.yaml), for tests that build an engine in memory. */
export const OPEN_SOURCE_DEFAULTS = {
  edition: 'opensource',
  rate_limiting: { enabled: false },
  subscription_enforcement: { enabled: false },
  advanced_analytics: { enabled: false },
  model_training: { enabled: false },
  query_logging: { enabled: true, store_retrieval_logs: true },
  batch_processing: { max_batch_size: 50, max_batch_bytes: 768000 },
  memory: { max_content_bytes: 15000, dedupe: true },
  search: {
    default_top_k: 10,
    max_top_k: 100,
    rrf_k: 10,
    weights: { vector: 0.5, text: 1.0, graph: 0.3, context: 0.4 },
  },
  webhooks: { max_attempts: 8, timeout_ms: 10000 },
  requests: { time_budget_ms: 30000, max_json_depth: 32 },
  compute: { threads: 0, extraction_budget_ms: 10000 },
  telemetry: { enabled: false },
};
