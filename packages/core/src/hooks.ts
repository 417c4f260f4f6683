import type { SearchRequest } from './domain/schemas';
import type { SearchResponse } from './domain/search';
import type { BatchJob, Memory } from './domain/types';
import type { Principal } from './ports/edition';

/** Hook points, each receiving the tenant's principal (or a system principal for background work). */
export interface Hooks {
  beforeAdd: (input: {
    tenantId: string;
    content: string;
    metadata: Memory['metadata'];
  }) => Promise<void> | void;
  /** May run again for the same memory when a batch resumes after a crash: be idempotent by `memory.id`. */
  afterAdd: (memory: Memory) => Promise<void> | void;
  afterUpdate: (memory: Memory, previous: Memory) => Promise<void> | void;
  afterDelete: (memory: Memory) => Promise<void> | void;
  afterForget: (event: { tenantId: string; userId: string; deleted: number }) => Promise<void> | void;
  beforeSearch: (request: SearchRequest, principal: Principal) => Promise<void> | void;
  afterSearch: (response: SearchResponse, principal: Principal) => Promise<void> | void;
  beforeBatch: (event: { tenantId: string; size: number }) => Promise<void> | void;
  afterBatch: (batch: BatchJob) => Promise<void> | void;
}

export type HookName = keyof Hooks;

export class HookBus {
  private readonly listeners: { [K in HookName]?: Hooks[K][] } = {};

  on<K extends HookName>(name: K, fn: Hooks[K]): void {
    const list = (this.listeners[name] ?? []) as Hooks[K][];
    list.push(fn);
    this.listeners[name] = list as (typeof this.listeners)[K];
  }

  /** Runs listeners in registration order; a `before*` listener may throw to refuse the operation. */
  async run<K extends HookName>(name: K, ...args: Parameters<Hooks[K]>): Promise<void> {
    for (const fn of this.listeners[name] ?? []) {
      await (fn as (...a: Parameters<Hooks[K]>) => unknown)(...args);
    }
  }
}
