import type { EntityKind } from '../domain/types';
import { EngramError } from '../errors';
import { backoffDelay } from '../jobs/job-queue';
import type { EntityExtractor, ExtractedEntity } from '../ports/ai';

export interface LlmExtractorOptions {
  /** An OpenAI-compatible chat completions server: OpenAI, Ollama, vLLM, LocalAI… */
  baseUrl: string;
  model: string;
  apiKey?: string;
  maxRetries?: number;
  timeoutMs?: number;
}

const KINDS: EntityKind[] = ['person', 'place', 'organization', 'topic'];

const INSTRUCTIONS =
  'Extract the named entities and key topics from the user text. Answer with JSON only: ' +
  '{"entities": [{"name": string, "kind": "person" | "place" | "organization" | "topic"}]}. ' +
  'Use the names as written in the text; at most 20 entities.';

/**
 * Entity extraction by an LLM behind OpenAI's chat completions API, for users who want more
 * than the offline rule-based extractor. The model's answer is validated: anything that is not
 * a well-formed entity list is refused rather than stored.
 */
export class LlmEntityExtractor implements EntityExtractor {
  constructor(private readonly options: LlmExtractorOptions) {}

  async extract(text: string): Promise<ExtractedEntity[]> {
    const content = await this.complete(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(content.replace(/^```(?:json)?\s*|\s*```$/g, ''));
    } catch {
      throw new EngramError('dependency_unavailable', 'the entity model did not answer with JSON');
    }
    const list = (parsed as { entities?: unknown }).entities;
    if (!Array.isArray(list))
      throw new EngramError('dependency_unavailable', 'the entity model answered without an entities list');
    const seen = new Set<string>();
    return list.flatMap((e) => {
      const name = typeof e?.name === 'string' ? e.name.trim() : '';
      const kind = KINDS.includes(e?.kind) ? (e.kind as EntityKind) : 'topic';
      if (!name || name.length > 200 || seen.has(name.toLowerCase())) return [];
      seen.add(name.toLowerCase());
      return [{ name, kind }];
    });
  }

  private async complete(text: string): Promise<string> {
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 1; ; attempt++) {
      let retryable = true;
      try {
        const res = await fetch(`${this.options.baseUrl.replace(/\/$/, '')}/chat/completions`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.apiKey && { authorization: `Bearer ${this.options.apiKey}` }),
          },
          body: JSON.stringify({
            model: this.options.model,
            temperature: 0,
            response_format: { type: 'json_object' },
            messages: [
              { role: 'system', content: INSTRUCTIONS },
              { role: 'user', content: text },
            ],
          }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
        if (!res.ok) {
          retryable = res.status === 429 || res.status >= 500;
          throw new Error(`entity model answered ${res.status}`);
        }
        const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
        const content = body.choices?.[0]?.message?.content;
        if (typeof content !== 'string') {
          retryable = false;
          throw new Error('entity model answered without a message');
        }
        return content;
      } catch (err) {
        if (!retryable || attempt > maxRetries) {
          throw new EngramError(
            'dependency_unavailable',
            `entity extraction failed: ${(err as Error).message}`,
          );
        }
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, 250, 8000)));
      }
    }
  }
}
