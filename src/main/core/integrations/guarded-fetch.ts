/**
 * The only way Promptdesk talks to a model provider. A provider that hangs, streams forever or
 * redirects elsewhere must end in a clear error, never a stuck run: the connect/first-byte
 * timeout, the idle timeout between chunks and the response size cap are enforced here, below
 * the LLM client, so they hold whatever the client does.
 */
export interface ProviderLimits {
  /** Until the response headers arrive. */
  responseTimeoutMs: number;
  /** Longest silence while a body streams. */
  idleTimeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
}

export const DEFAULT_PROVIDER_LIMITS: ProviderLimits = {
  responseTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
  maxResponseBytes: 8 * 1024 * 1024,
  maxRedirects: 3,
};

export type FetchFailure =
  | { kind: 'timeout'; message: string }
  | { kind: 'too_large'; message: string }
  | { kind: 'redirect'; message: string };

/** Remembers why the guard stopped a request, since the LLM client rewraps the error it sees. */
export interface GuardedFetch {
  fetch: typeof fetch;
  failure(): FetchFailure | null;
}

export function guardedFetch(limits: ProviderLimits): GuardedFetch {
  let failure: FetchFailure | null = null;
  const fail = (f: FetchFailure) => {
    failure ??= f;
    return new Error(f.message);
  };

  const guarded = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const abort = new AbortController();
    const outer = init.signal;
    const onOuterAbort = () => abort.abort(outer?.reason);
    if (outer?.aborted) abort.abort(outer.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });

    let url = new URL(input instanceof Request ? input.url : input.toString());
    const origin = url.origin;
    const cleanup = () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    };
    let timer = setTimeout(
      () => abort.abort(fail({ kind: 'timeout', message: `The provider did not answer within ${limits.responseTimeoutMs / 1000} s` })),
      limits.responseTimeoutMs,
    );
    try {
      let response: Response;
      for (let hop = 0; ; hop++) {
        response = await fetch(url, { ...init, signal: abort.signal, redirect: 'manual' });
        if (response.status < 300 || response.status >= 400 || !response.headers.get('location')) break;
        const next = new URL(response.headers.get('location')!, url);
        await response.body?.cancel();
        // A redirect to another host would carry the provider key there.
        if (next.origin !== origin) throw fail({ kind: 'redirect', message: `The provider redirected to another host (${next.host}); refused` });
        if (hop >= limits.maxRedirects) throw fail({ kind: 'redirect', message: 'The provider redirected too many times' });
        url = next;
      }
      if (!response.body) {
        cleanup();
        return response;
      }

      const reader = response.body.getReader();
      let received = 0;
      const armIdle = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => abort.abort(fail({ kind: 'timeout', message: `The provider stopped sending for ${limits.idleTimeoutMs / 1000} s` })),
          limits.idleTimeoutMs,
        );
      };
      armIdle();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              cleanup();
              controller.close();
              return;
            }
            received += value.byteLength;
            if (received > limits.maxResponseBytes) {
              const error = fail({ kind: 'too_large', message: `The provider's answer exceeded ${limits.maxResponseBytes} bytes; stopped` });
              cleanup();
              abort.abort(error);
              controller.error(error);
              return;
            }
            armIdle();
            controller.enqueue(value);
          } catch (error) {
            cleanup();
            controller.error(failure ? new Error(failure.message) : error);
          }
        },
        cancel(reason) {
          cleanup();
          void reader.cancel(reason);
        },
      });
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      cleanup();
      throw failure ? new Error(failure.message) : error;
    }
  };
  return { fetch: guarded as typeof fetch, failure: () => failure };
}
