import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { parseModelJson } from '../ai/openai-chat';
import type { MemoryFilter } from '../domain/filter';
import { type AddRequest, addRequestSchema, type ConversationMessage } from '../domain/schemas';
import type { Memory } from '../domain/types';
import { validate } from '../domain/validate';
import { EngramError } from '../errors';
import type { ChatModel, Embedder } from '../ports/ai';
import type { MemoryStore, TextIndex, VectorIndex } from '../ports/storage';
import type { MemoryService } from './memory.service';

/** The prompts, one file each, versioned by name: a change of wording is a new file. */
export const PROMPTS = { extractFacts: 'extract-facts.v1.md', updateMemories: 'update-memories.v1.md' };

const loaded = new Map<string, string>();

/** A prompt file, read once per process. */
function prompt(file: string): string {
  let text = loaded.get(file);
  if (text === undefined) {
    // src/services and dist/services are both two levels below the package, beside prompts/.
    text = readFileSync(path.resolve(__dirname, '../../prompts', file), 'utf8');
    loaded.set(file, text);
  }
  return text;
}

/** The user and namespace of a request, as a filter: where related memories are looked for. */
const scopeOf = (base: { user_id?: string; namespace?: string }): MemoryFilter => ({
  ...(base.user_id !== undefined && { user_id: base.user_id }),
  ...(base.namespace !== undefined && { namespace: base.namespace }),
});

export type MemoryEvent = 'ADD' | 'UPDATE' | 'DELETE' | 'NONE';

/**
 * A fact whose closest current memory of the same user is at least this similar (cosine) is
 * the same fact said again: merged into that memory (NONE) rather than added. Facts are short
 * sentences, so near-identical wording scores above it and a changed detail (another name,
 * another date) falls below it with the default embedder.
 */
export const NEAR_DUPLICATE_SIMILARITY = 0.95;

export interface ConversationResult {
  event: MemoryEvent;
  memory: Memory;
  /** UPDATE: the memory it superseded (now expired, in history). */
  previous?: Memory;
  reason?: string;
}

/** A decision of the model that was not applied, and why. */
export interface RejectedDecision {
  decision: unknown;
  why: string;
}

const factsAnswer = z.object({ facts: z.array(z.string().trim().min(1).max(2000)).max(50) });
const decisionsAnswer = z.object({
  decisions: z
    .array(
      z.object({
        fact: z.number().int().min(0),
        event: z.enum(['ADD', 'UPDATE', 'DELETE', 'NONE']),
        id: z.string().optional(),
        text: z.string().trim().min(1).max(2000).optional(),
        reason: z.string().max(1000).optional(),
      }),
    )
    .max(100),
});
type Decision = z.infer<typeof decisionsAnswer>['decisions'][number];

interface ConversationPorts {
  chatModel: ChatModel | null;
  memoryStore: MemoryStore;
  textIndex: TextIndex;
  vectorIndex: VectorIndex;
  embedder: Embedder;
}

/**
 * Conversations in mem0's shape (`messages: [{role, content}]`). Without `infer`, each message
 * is stored as it is (its role in metadata). With `infer`, the configured LLM extracts facts,
 * the user's related memories are found, and the LLM decides per fact: add, update (the old
 * memory is superseded), delete (expired) or nothing. Its answers are validated: malformed JSON
 * is refused whole, and a decision about a memory it was not shown (another user's, or none at
 * all) is rejected and logged, never applied.
 */
export class ConversationService {
  constructor(
    private readonly ports: ConversationPorts,
    private readonly memories: MemoryService,
    private readonly logger: Logger,
  ) {}

  async add(
    tenantId: string,
    raw: unknown,
  ): Promise<{ results: ConversationResult[]; rejected?: RejectedDecision[] }> {
    const request = validate(addRequestSchema, raw);
    const { messages = [], infer, content: _content, ...base } = request;
    if (!infer) return { results: await this.storeMessages(tenantId, base, messages) };
    const model = this.ports.chatModel;
    if (!model) {
      throw new EngramError(
        'llm_not_configured',
        'infer needs a chat model: set ENGRAM_LLM_URL (with ENGRAM_LLM_MODEL and ENGRAM_LLM_API_KEY), or send without infer to store the messages as they are',
        { setting: 'ENGRAM_LLM_URL', errors: [{ field: 'infer', message: 'needs ENGRAM_LLM_URL' }] },
      );
    }
    const facts = await this.extractFacts(model, messages);
    if (facts.length === 0) return { results: [] };
    const related = await this.related(tenantId, base, facts);
    const decisions = await this.decide(model, facts, related);
    return this.apply(tenantId, base, facts, related, decisions);
  }

  private async storeMessages(
    tenantId: string,
    base: Omit<AddRequest, 'messages' | 'infer' | 'content'>,
    messages: ConversationMessage[],
  ): Promise<ConversationResult[]> {
    const outcomes = await this.memories.addMany(
      tenantId,
      messages.map((m) => ({
        input: {
          ...base,
          content: m.content,
          metadata: { ...base.metadata, role: m.role, ...(m.name ? { name: m.name } : {}) },
        },
      })),
    );
    return outcomes.map((outcome, i) => {
      if (!outcome.ok) {
        throw new EngramError(outcome.error.code, `messages.${i}: ${outcome.error.message}`, {
          ...outcome.error.details,
          errors: [{ field: `messages.${i}.content`, message: outcome.error.message }],
        });
      }
      return { event: outcome.deduplicated ? 'NONE' : 'ADD', memory: outcome.memory };
    });
  }

  private async extractFacts(model: ChatModel, messages: ConversationMessage[]): Promise<string[]> {
    const transcript = messages.map((m) => `${m.role}: ${m.content}`).join('\n');
    const answer = await model.completeJson([
      { role: 'system', content: prompt(PROMPTS.extractFacts) },
      { role: 'user', content: transcript },
    ]);
    const parsed = factsAnswer.safeParse(parseModelJson(answer));
    if (!parsed.success) throw this.refused('facts', answer);
    return parsed.data.facts;
  }

  /** The user's current memories closest to any fact, by words and by meaning (at most 20). */
  private async related(tenantId: string, base: { user_id?: string; namespace?: string }, facts: string[]) {
    const scope = scopeOf(base);
    const vectors = await this.ports.embedder.embed(facts);
    const hits = await Promise.all(
      facts.flatMap((fact, i) => [
        this.ports.textIndex.search(tenantId, fact, 5, scope),
        this.ports.vectorIndex.search(tenantId, vectors[i]!, 5, scope),
      ]),
    );
    const ids = [...new Set(hits.flat().map((h) => h.id))];
    const found = await this.ports.memoryStore.getMany(tenantId, ids);
    // Only this user's current memories: the model never sees (so can never touch) another's.
    return found.filter((m) => m.valid_to === null && m.user_id === (base.user_id ?? null)).slice(0, 20);
  }

  private async decide(model: ChatModel, facts: string[], related: Memory[]): Promise<Decision[]> {
    const answer = await model.completeJson([
      { role: 'system', content: prompt(PROMPTS.updateMemories) },
      {
        role: 'user',
        content: JSON.stringify({
          new_facts: facts.map((text, index) => ({ index, text })),
          existing_memories: related.map((m) => ({ id: m.id, text: m.content })),
        }),
      },
    ]);
    const parsed = decisionsAnswer.safeParse(parseModelJson(answer));
    if (!parsed.success) throw this.refused('decisions', answer);
    return parsed.data.decisions;
  }

  private async apply(
    tenantId: string,
    base: Omit<AddRequest, 'messages' | 'infer' | 'content'>,
    facts: string[],
    related: Memory[],
    decisions: Decision[],
  ) {
    const shown = new Map(related.map((m) => [m.id, m]));
    const results: ConversationResult[] = [];
    const rejected: RejectedDecision[] = [];
    const reject = (decision: Decision, why: string) => {
      this.logger.warn({ decision, why }, 'a decision of the model was rejected');
      rejected.push({ decision, why });
    };
    const touched = new Set<string>();
    for (const d of decisions) {
      const reason = d.reason ?? '';
      if (d.fact >= facts.length) {
        reject(d, `fact ${d.fact} does not exist`);
        continue;
      }
      const target = d.id === undefined ? undefined : shown.get(d.id);
      if (d.event !== 'ADD' && !target) {
        reject(
          d,
          d.id ? `memory ${d.id} was not among this user's memories shown` : `${d.event} needs an id`,
        );
        continue;
      }
      if (target && touched.has(target.id)) {
        reject(d, `memory ${target.id} was already changed by an earlier decision`);
        continue;
      }
      const text = d.text ?? facts[d.fact]!;
      if (d.event === 'ADD') {
        const near = await this.nearDuplicate(tenantId, base, text);
        if (near) {
          results.push({
            event: 'NONE',
            memory: near.memory,
            reason: `near-duplicate (similarity ${near.score.toFixed(3)})`,
          });
          continue;
        }
        const memory = await this.memories.add(tenantId, { ...base, content: text });
        results.push({ event: memory.deduplicated ? 'NONE' : 'ADD', memory, reason });
      } else if (d.event === 'UPDATE') {
        touched.add(target!.id);
        const memory = await this.memories.add(tenantId, { ...base, content: text, dedupe: false });
        const previous = await this.memories.expire(
          tenantId,
          target!.id,
          `UPDATE by ${memory.id}: ${reason}`,
        );
        results.push({ event: 'UPDATE', memory, previous, reason });
      } else if (d.event === 'DELETE') {
        touched.add(target!.id);
        const memory = await this.memories.expire(tenantId, target!.id, `DELETE: ${reason}`);
        results.push({ event: 'DELETE', memory, reason });
      } else {
        results.push({ event: 'NONE', memory: target!, reason });
      }
    }
    return rejected.length ? { results, rejected } : { results };
  }

  /** The user's current memory that says this fact already, by vector similarity. */
  private async nearDuplicate(
    tenantId: string,
    base: { user_id?: string; namespace?: string },
    text: string,
  ) {
    const [vector] = await this.ports.embedder.embed([text]);
    const hits = await this.ports.vectorIndex.search(tenantId, vector!, 5, scopeOf(base));
    const close = hits.filter((h) => h.score >= NEAR_DUPLICATE_SIMILARITY);
    if (close.length === 0) return null;
    const found = await this.ports.memoryStore.getMany(
      tenantId,
      close.map((h) => h.id),
    );
    for (const hit of close) {
      const memory = found.find((m) => m.id === hit.id);
      if (memory && memory.valid_to === null && memory.user_id === (base.user_id ?? null)) {
        return { memory, score: hit.score };
      }
    }
    return null;
  }

  private refused(what: string, answer: string): EngramError {
    this.logger.warn(
      { answer: answer.slice(0, 2000) },
      `the model's ${what} answer was malformed; nothing applied`,
    );
    return new EngramError(
      'llm_invalid_answer',
      `the chat model's ${what} were not valid JSON of the expected shape; nothing was changed`,
      {
        dependency: 'llm',
      },
    );
  }
}
