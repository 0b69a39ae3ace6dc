#!/usr/bin/env node
// A caching Promptdesk client: fetch, cache, refetch on event (README: "Change feed and caching").
// Node 20+, no dependencies:
//   PROMPTDESK_URL=http://127.0.0.1:4319 PROMPTDESK_KEY=pd_... node examples/change-feed-cache.mjs
// It keeps every prompt the key may see in memory with its ETag, follows GET /api/v1/changes, and
// revalidates (If-None-Match: a 304 costs no body) only what an event touches. It prints one line
// per cache change. EXIT_AFTER=N stops after N events (for tests).
const base = process.env.PROMPTDESK_URL ?? 'http://127.0.0.1:4319';
const headers = { authorization: `Bearer ${process.env.PROMPTDESK_KEY}` };
const exitAfter = Number(process.env.EXIT_AFTER ?? Infinity);

/** name -> { etag, body } */
const cache = new Map();
/** prompt id -> name, so an event for a renamed or deleted prompt finds its entry. */
const names = new Map();
let lastEventId = null;
let seen = 0;

async function refetch(name) {
  const cached = cache.get(name);
  const res = await fetch(`${base}/api/v1/prompts/${encodeURIComponent(name)}`, {
    headers: { ...headers, ...(cached ? { 'if-none-match': cached.etag } : {}) },
  });
  if (res.status === 304) return console.log(`unchanged ${name}`);
  if (res.status === 404) {
    cache.delete(name);
    return console.log(`dropped ${name}`);
  }
  if (!res.ok) throw new Error(`GET ${name}: ${res.status} ${await res.text()}`);
  const body = await res.json();
  cache.set(name, { etag: res.headers.get('etag'), body });
  names.set(body.id, name);
  console.log(`cached ${name} v${body.version?.number ?? '-'}`);
}

async function refetchAll() {
  cache.clear();
  names.clear();
  for (let offset = 0; ; offset += 200) {
    const res = await fetch(`${base}/api/v1/prompts?limit=200&offset=${offset}`, { headers });
    const page = await res.json();
    for (const item of page.items) await refetch(item.name);
    if (offset + page.items.length >= page.total || page.items.length === 0) break;
  }
  console.log(`ready ${cache.size} prompts`);
}

async function onEvent(event) {
  if (event.kind === 'reset' || event.kind === 'access.changed') return refetchAll();
  if (!event.prompt) return; // members, keys, integrations: nothing cached here
  const old = names.get(event.prompt.id);
  if (old && old !== event.prompt.name) cache.delete(old); // renamed
  if (event.kind === 'prompt.deleted') {
    cache.delete(event.prompt.name);
    return console.log(`dropped ${event.prompt.name}`);
  }
  if (event.kind.startsWith('run.')) return; // runs do not change what is served
  await refetch(event.prompt.name);
}

/** Reads one response's events; returns when the server ends it. */
async function consume(res) {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id = null;
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('id:')) id = line.slice(3).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      if (!data) continue; // a ": heartbeat" comment
      await onEvent(JSON.parse(data));
      lastEventId = id;
      if (++seen >= exitAfter) process.exit(0);
    }
  }
}

async function connect() {
  const res = await fetch(`${base}/api/v1/changes`, {
    headers: { ...headers, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
  });
  if (!res.ok) throw new Error(`changes: ${res.status} ${await res.text()}`);
  // The stream starts after this sequence number: the resume point if it breaks before any event.
  lastEventId ??= res.headers.get('promptdesk-seq');
  return res;
}

// Subscribe first, then load: a change made during the load arrives as an event and is refetched.
let stream = await connect();
await refetchAll();
console.log('following changes');
// On a disconnect, reconnect with Last-Event-ID: nothing is lost or repeated.
for (;;) {
  try {
    await consume(stream);
  } catch (error) {
    console.error(`stream ended (${error.message})`);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  stream = await connect().catch(() => null);
  while (!stream) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    stream = await connect().catch(() => null);
  }
}
