import type { Operation } from './openapi';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** No scripts at all: the docs page is static HTML with inline styles only. */
export const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A readable page for people, rendered from the same operations as /api/v1/openapi.json. */
export function docsPage<O extends Operation>(version: string, operations: readonly O[], schemaOf: (op: O) => unknown): string {
  const tags = [...new Set(operations.map((o) => o.tag))];
  const section = (tag: string) =>
    `<h2 id="${escape(tag)}">${escape(tag)}</h2>` +
    operations
      .filter((o) => o.tag === tag)
      .map((o) => {
        const query = Object.entries(o.query ?? {})
          .map(([q, d]) => `<li><code>${escape(q)}</code> ${escape(d)}</li>`)
          .join('');
        const body = o.body ? `<details><summary>JSON body</summary><pre>${escape(JSON.stringify(schemaOf(o), null, 2))}</pre></details>` : o.textBody ? '<p>Body: the template as plain text.</p>' : '';
        const responses = Object.entries(o.responses)
          .map(([status, d]) => `<li><code>${status}</code> ${escape(d)}</li>`)
          .join('');
        return `<article><h3><span class="m ${o.method}">${o.method.toUpperCase()}</span> <code>${escape(o.path)}</code></h3>
          <p>${escape(o.summary)}${o.public ? ' <em>(no key)</em>' : o.scopes ? ` <em>(key scope: ${escape(o.scopes.join(' + '))})</em>` : ''}</p>
          ${query ? `<p>Query</p><ul>${query}</ul>` : ''}${body}<p>Responses</p><ul>${responses}</ul></article>`;
      })
      .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Promptdesk API ${escape(version)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}
body{max-width:960px;margin:2rem auto;padding:0 1rem}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{background:rgba(127,127,127,.12);padding:.75rem;border-radius:6px;overflow:auto}
article{border:1px solid rgba(127,127,127,.3);border-radius:8px;padding:.5rem 1rem;margin:.75rem 0}
h3{font-size:1rem;margin:.5rem 0}
.m{display:inline-block;min-width:4.5em;font-size:.8em;padding:.1em .4em;border-radius:4px;color:#fff;text-align:center}
.get{background:#2563eb}.post{background:#16a34a}.put{background:#d97706}.patch{background:#7c3aed}.delete{background:#dc2626}
nav a{margin-right:1rem}
</style></head><body>
<h1>Promptdesk API <small>${escape(version)}</small></h1>
<p>Served by the app on 127.0.0.1. Send your key as <code>Authorization: Bearer &lt;key&gt;</code> (or <code>X-Authorization</code>).
Errors are RFC 9457 <code>application/problem+json</code> with the field at fault. Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
<nav>${tags.map((t) => `<a href="#${escape(t)}">${escape(t)}</a>`).join('')}</nav>
${tags.map(section).join('')}
</body></html>`;
}
