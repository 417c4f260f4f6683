import type { EntityKind } from '../domain/types';
import { EngramError } from '../errors';
import type { EntityExtractor, ExtractedEntity } from '../ports/ai';
import { OpenAIChatModel, parseModelJson } from './openai-chat';

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
  private readonly model: OpenAIChatModel;

  constructor(options: LlmExtractorOptions) {
    this.model = new OpenAIChatModel({ ...options, purpose: 'entity extraction' });
  }

  async extract(text: string): Promise<ExtractedEntity[]> {
    const parsed = parseModelJson(
      await this.model.completeJson([
        { role: 'system', content: INSTRUCTIONS },
        { role: 'user', content: text },
      ]),
    );
    if (parsed === null) {
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
}
