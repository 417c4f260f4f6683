import { EngramError } from '../errors';
import { backoffDelay } from '../jobs/job-queue';
import type { ChatMessage, ChatModel } from '../ports/ai';

export interface OpenAIChatOptions {
  /** An OpenAI-compatible chat completions server: OpenAI, Ollama, vLLM, LocalAI… */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Retries after a 429, a 5xx, a timeout or a dropped connection (default 3). */
  maxRetries?: number;
  timeoutMs?: number;
  /** Names the model's job in errors ("entity extraction", "fact extraction"). */
  purpose?: string;
}

/**
 * One chat completion in JSON mode, over OpenAI's API shape. Rate limits, server errors and
 * timeouts are retried with backoff; a refusal (4xx) is not. Any failure is
 * `dependency_unavailable`, naming what the model was asked to do.
 */
export class OpenAIChatModel implements ChatModel {
  readonly id: string;

  constructor(private readonly options: OpenAIChatOptions) {
    this.id = `${options.model}@${options.baseUrl}`;
  }

  async completeJson(messages: ChatMessage[]): Promise<string> {
    const maxRetries = this.options.maxRetries ?? 3;
    const purpose = this.options.purpose ?? 'the chat model';
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
            messages,
          }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
        if (!res.ok) {
          retryable = res.status === 429 || res.status >= 500;
          throw new Error(`the model answered ${res.status}`);
        }
        const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
        const content = body.choices?.[0]?.message?.content;
        if (typeof content !== 'string') {
          retryable = false;
          throw new Error('the model answered without a message');
        }
        return content;
      } catch (err) {
        if (!retryable || attempt > maxRetries) {
          throw new EngramError('dependency_unavailable', `${purpose} failed: ${(err as Error).message}`, {
            dependency: 'llm',
          });
        }
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, 250, 8000)));
      }
    }
  }
}

/** The JSON object in a model's answer (some wrap it in a ``` fence), or null when there is none. */
export function parseModelJson(content: string): unknown {
  try {
    return JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
  } catch {
    return null;
  }
}
