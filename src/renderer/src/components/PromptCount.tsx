/** "1 prompt" / "12 prompts", announced politely when it changes; blank until loaded. */
export function PromptCount({ total, loaded, className }: { total: number; loaded: boolean; className: string }) {
  return (
    <p className={className} aria-live="polite">
      {loaded ? `${total} ${total === 1 ? 'prompt' : 'prompts'}` : ' '}
    </p>
  );
}
