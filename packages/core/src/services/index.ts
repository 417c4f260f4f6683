import type { WebhookService } from '../webhooks/webhook.service';
import type { BatchService } from './batch.service';
import type { ConversationService } from './conversation.service';
import type { GraphService } from './graph.service';
import type { Indexer } from './indexer';
import type { LogService } from './log.service';
import type { MemoryService } from './memory.service';
import type { SearchService } from './search.service';

export interface Services {
  memories: MemoryService;
  conversations: ConversationService;
  search: SearchService;
  graph: GraphService;
  logs: LogService;
  batches: BatchService;
  webhooks: WebhookService;
  indexer: Indexer;
}
