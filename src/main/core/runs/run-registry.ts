import type { ChatMessage } from '../../../shared/template/template';
import type { DataLoggingLevel, RunStatus, RunUsage } from '../../../shared/schemas/runs';
import type { AppError } from '../errors';

/** A run in memory while it streams, and for a while after, so watchers can read its end. */
export interface ActiveRun {
  id: string;
  ownerId: string;
  conversationId: string;
  status: RunStatus;
  output: string;
  usage: RunUsage;
  latencyMs: number | null;
  ttftMs: number | null;
  error: AppError | null;
  abort: AbortController;
  /** Settles once the run has ended and its log is committed. */
  done: Promise<void>;
  waiters: Set<() => void>;
}

/**
 * A chat lives in the main process, not the database: a reply needs the rendered prompt, which
 * a Chat-only member may not see, and a prompt logging nothing must leave no text on disk.
 */
export interface Conversation {
  id: string;
  ownerId: string;
  promptId: string;
  promptName: string;
  version: number | null;
  model: string;
  /** Temperature and max tokens of the version the chat began with. */
  settings: { temperature?: number; maxTokens?: number };
  dataLogging: DataLoggingLevel;
  variables: Record<string, string | number | boolean>;
  messages: ChatMessage[];
  running: boolean;
  touchedAt: number;
}

const FINISHED_RUN_TTL_MS = 10 * 60_000;
const MAX_CONVERSATIONS = 500;

export class RunRegistry {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly conversations = new Map<string, Conversation>();

  add(run: ActiveRun): void {
    this.runs.set(run.id, run);
  }

  get(id: string): ActiveRun | undefined {
    return this.runs.get(id);
  }

  /** Tells watchers something changed; forgets the run a while after it ended. */
  notify(run: ActiveRun): void {
    for (const wake of run.waiters) wake();
    run.waiters.clear();
    if (run.status !== 'running') setTimeout(() => this.runs.delete(run.id), FINISHED_RUN_TTL_MS).unref();
  }

  active(): ActiveRun[] {
    return [...this.runs.values()].filter((r) => r.status === 'running');
  }

  conversation(id: string): Conversation | undefined {
    const conversation = this.conversations.get(id);
    if (conversation) {
      // Map order is the LRU order.
      this.conversations.delete(id);
      this.conversations.set(id, conversation);
    }
    return conversation;
  }

  saveConversation(conversation: Conversation): void {
    this.conversations.delete(conversation.id);
    this.conversations.set(conversation.id, conversation);
    while (this.conversations.size > MAX_CONVERSATIONS) {
      const oldest = this.conversations.keys().next().value as string;
      this.conversations.delete(oldest);
    }
  }
}
