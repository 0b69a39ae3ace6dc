import type { RunnablePrompt, RunStarted, RunStatus, RunUsage } from '../../../shared/schemas/runs';
import { api, unwrap } from '../lib/api';
import { toFormError, type FormError } from '../lib/field-errors';
import { queryClient } from '../lib/query-client';
import { createRunFollower } from '../lib/run-follower';
import { NOTHING_HEARD_YET, followRun } from '../lib/run-stream';
import { runnableQuery } from './run-queries';
import type { SliceCreator } from './store';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';
export type Rating = 'useful' | 'not_useful';

/** What the member sent: the prompt's display message for the first turn, then their replies. */
export interface MemberTurn {
  kind: 'member';
  id: string;
  text: string;
}

export interface AnswerTurn {
  kind: 'answer';
  id: string;
  runId: string;
  model: string;
  /** The saved version the run used (every run shows it); null only for an unsaved draft. */
  version: number | null;
  status: RunStatus;
  text: string;
  cursor: number;
  usage: RunUsage;
  latencyMs: number | null;
  ttftMs: number | null;
  error: { code: string; message: string } | null;
  /** The run was being stopped when the view last looked. */
  stopping: boolean;
  rating: Rating | null;
  comment: string;
  /** The comment as last saved, so "Save comment" only offers itself after a change. */
  savedComment: string;
  ratingBusy: boolean;
  ratingError: string | null;
  ratingNotice: string | null;
}

/** A turn that could not even start (the answer never began), shown where it happened. */
export interface ErrorTurn {
  kind: 'error';
  id: string;
  message: string;
}

export type ChatTurn = MemberTurn | AnswerTurn | ErrorTurn;

export interface ChatSlice {
  chat: {
    /** The prompt being run; null shows the launcher. */
    promptName: string | null;
    prepared: RunnablePrompt | null;
    prepareStatus: LoadStatus;
    prepareError: string | null;
    /** Variable values as typed; pre-filled from each variable's default. */
    values: Record<string, string>;
    model: string;
    conversationId: string | null;
    turns: ChatTurn[];
    starting: boolean;
    /** A start refused before any answer: shown next to its field (`variables.x`, `model`, `message`). */
    startError: FormError | null;
    reply: string;
    open(promptName: string): Promise<void>;
    /** Back to the launcher. */
    close(): void;
    /** A fresh conversation with the same prompt and values. */
    newChat(): void;
    setValue(name: string, value: string): void;
    setModel(model: string): void;
    setReply(text: string): void;
    run(): Promise<void>;
    sendReply(): Promise<void>;
    stop(runId: string): Promise<void>;
    rate(runId: string, rating: Rating): Promise<void>;
    setComment(runId: string, comment: string): void;
    saveComment(runId: string): Promise<void>;
    /** Follows running answers while the chat is on screen. */
    attach(): void;
    detach(): void;
    /** Drops everything, e.g. when the acting member changes. */
    reset(): void;
  };
}

type State = ChatSlice['chat'];

const FRESH_CONVERSATION = {
  conversationId: null,
  turns: [],
  starting: false,
  startError: null,
  reply: '',
} satisfies Partial<State>;

const FRESH = {
  promptName: null,
  prepared: null,
  prepareStatus: 'idle',
  prepareError: null,
  values: {},
  model: '',
  ...FRESH_CONVERSATION,
} satisfies Partial<State>;

let turnSeq = 0;
const nextId = () => `t${++turnSeq}`;
/** Answers being followed, by run id; streams end when the chat leaves the screen. */
const follower = createRunFollower(followRun, 'answer');

export function initialValues(prepared: RunnablePrompt): Record<string, string> {
  return Object.fromEntries(prepared.variables.map((v) => [v.name, v.default ?? '']));
}

/** Empty values are left out so the prompt's own rules (default, else "missing") apply. */
export function filledVariables(values: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => (values[name] ?? '') !== '').map((name) => [name, values[name]!]));
}

function answerFor(started: RunStarted): AnswerTurn {
  return {
    kind: 'answer',
    id: nextId(),
    runId: started.runId,
    model: started.model,
    version: started.version,
    status: 'running',
    ...NOTHING_HEARD_YET,
    rating: null,
    comment: '',
    savedComment: '',
    ratingBusy: false,
    ratingError: null,
    ratingNotice: null,
  };
}

export const createChatSlice: SliceCreator<ChatSlice> = (set, get) => {
  const patch = (partial: Partial<State>) => set((s) => ({ chat: { ...s.chat, ...partial } }));
  const patchAnswer = (runId: string, change: Partial<AnswerTurn> | ((turn: AnswerTurn) => Partial<AnswerTurn>)) =>
    set((s) => ({
      chat: {
        ...s.chat,
        turns: s.chat.turns.map((t) =>
          t.kind === 'answer' && t.runId === runId ? { ...t, ...(typeof change === 'function' ? change(t) : change) } : t,
        ),
      },
    }));
  const findAnswer = (runId: string) =>
    get().chat.turns.find((t): t is AnswerTurn => t.kind === 'answer' && t.runId === runId);

  /** Leaving a conversation stops its answer: nobody is reading it, so it should not cost tokens. */
  const abandon = () => {
    follower.stopFollowing();
    for (const turn of get().chat.turns) {
      if (turn.kind === 'answer' && turn.status === 'running') api.runs.cancel({ runId: turn.runId }).catch(() => undefined);
    }
  };

  const follow = (runId: string) => follower.follow(runId, findAnswer(runId), (change) => patchAnswer(runId, change));

  const start = async (input: Parameters<typeof api.runs.start>[0], memberText: string | null) => {
    patch({ starting: true, startError: null });
    try {
      const started = await unwrap(api.runs.start(input));
      set((s) => ({
        chat: {
          ...s.chat,
          starting: false,
          conversationId: started.conversationId,
          reply: memberText === null ? s.chat.reply : '',
          turns: [...s.chat.turns, { kind: 'member', id: nextId(), text: started.displayText }, answerFor(started)],
        },
      }));
      follow(started.runId);
      return true;
    } catch (error) {
      const startError = toFormError(error);
      // A field problem is fixed in the form; anything else happened in the conversation.
      if (startError.field || get().chat.conversationId === null) {
        patch({ starting: false, startError });
      } else {
        set((s) => ({
          chat: {
            ...s.chat,
            starting: false,
            turns: [
              ...s.chat.turns,
              ...(memberText === null ? [] : [{ kind: 'member' as const, id: nextId(), text: memberText }]),
              { kind: 'error' as const, id: nextId(), message: startError.message },
            ],
            reply: memberText === null ? s.chat.reply : '',
          },
        }));
      }
      return false;
    }
  };

  const saveRating = async (runId: string, rating: Rating | null, comment: string | undefined, notice: string) => {
    patchAnswer(runId, { ratingBusy: true, ratingError: null, ratingNotice: null });
    try {
      await unwrap(api.logs.rate({ id: runId, rating, ...(comment === undefined ? {} : { comment }) }));
      patchAnswer(runId, {
        ratingBusy: false,
        ratingNotice: notice,
        ...(comment === undefined ? {} : { savedComment: comment.trim(), comment: comment.trim() }),
      });
    } catch (error) {
      patchAnswer(runId, { ratingBusy: false, ratingError: toFormError(error).message });
      throw error;
    }
  };

  return {
    chat: {
      ...FRESH,
      async open(promptName) {
        abandon();
        patch({ ...FRESH, promptName, prepareStatus: 'loading' });
        // The answer is for this prompt: it lands only while the chat still opens it (not after
        // Back, another prompt or a member switch); opening it twice asks once (the query cache).
        const opening = () => get().chat.promptName === promptName && get().chat.prepareStatus === 'loading';
        try {
          const prepared = await queryClient.fetchQuery(runnableQuery(promptName));
          if (!opening()) return;
          patch({
            prepared,
            prepareStatus: 'ready',
            values: initialValues(prepared),
            model: prepared.defaultModel ?? prepared.models[0] ?? '',
          });
        } catch (error) {
          if (!opening()) return;
          patch({ prepareStatus: 'error', prepareError: toFormError(error).message });
        }
      },
      close() {
        abandon();
        patch(FRESH);
      },
      newChat() {
        abandon();
        patch(FRESH_CONVERSATION);
      },
      setValue(name, value) {
        const { startError } = get().chat;
        patch({
          values: { ...get().chat.values, [name]: value },
          ...(startError?.field === `variables.${name}` ? { startError: null } : {}),
        });
      },
      setModel(model) {
        patch({ model, ...(get().chat.startError?.field === 'model' ? { startError: null } : {}) });
      },
      setReply(reply) {
        patch({ reply, ...(get().chat.startError?.field === 'message' ? { startError: null } : {}) });
      },
      async run() {
        const { prepared, values, model, starting } = get().chat;
        if (!prepared || starting) return;
        const variables = filledVariables(
          values,
          prepared.variables.map((v) => v.name),
        );
        await start({ name: prepared.name, variables, ...(model ? { model } : {}), source: 'chat' }, null);
      },
      async sendReply() {
        const { conversationId, reply, starting, turns } = get().chat;
        if (!conversationId || starting || reply.trim() === '') return;
        if (turns.some((t) => t.kind === 'answer' && t.status === 'running')) return;
        await start({ conversationId, message: reply }, reply);
      },
      async stop(runId) {
        const turn = findAnswer(runId);
        if (!turn || turn.status !== 'running' || turn.stopping) return;
        await follower.stop(runId, (change) => patchAnswer(runId, change), () => unwrap(api.runs.cancel({ runId })));
      },
      async rate(runId, rating) {
        const turn = findAnswer(runId);
        if (!turn || turn.ratingBusy) return;
        // Choosing the pressed rating again takes it back.
        const next = turn.rating === rating ? null : rating;
        const previous = turn.rating;
        patchAnswer(runId, { rating: next });
        try {
          await saveRating(runId, next, undefined, next === null ? 'Rating removed' : 'Thanks, rating saved');
        } catch {
          patchAnswer(runId, { rating: previous });
        }
      },
      setComment(runId, comment) {
        patchAnswer(runId, { comment, ratingNotice: null });
      },
      async saveComment(runId) {
        const turn = findAnswer(runId);
        if (!turn || turn.ratingBusy || turn.rating === null) return;
        await saveRating(runId, turn.rating, turn.comment, 'Comment saved').catch(() => undefined);
      },
      attach() {
        follower.attach();
        for (const turn of get().chat.turns) if (turn.kind === 'answer') follow(turn.runId);
      },
      detach() {
        follower.detach();
      },
      reset() {
        abandon();
        patch(FRESH);
      },
    },
  };
};
