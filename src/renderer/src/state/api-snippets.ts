import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { Deployment } from '../../../shared/schemas/versions';

/** The languages the API tab writes a ready-to-run call in. */
export const SNIPPET_LANGUAGES = ['curl', 'javascript', 'python'] as const;
export type SnippetLanguage = (typeof SNIPPET_LANGUAGES)[number];

export const SNIPPET_LANGUAGE_LABELS: Record<SnippetLanguage, string> = {
  curl: 'curl',
  javascript: 'JavaScript (fetch)',
  python: 'Python (requests)',
};

/**
 * The two calls the API tab offers. `render` fills in the template and answers the messages: no
 * model is called and nothing is logged. `run` renders, calls the model and answers its output;
 * each run is in Logs (source `api`).
 */
export const API_CALLS = ['render', 'run'] as const;
export type ApiCall = (typeof API_CALLS)[number];

export const API_CALL_LABELS: Record<ApiCall, string> = { render: 'Render', run: 'Run' };

/** What each call does, and whether it shows in Logs: the hint under the call switch and beside each endpoint. */
export const API_CALL_HINTS: Record<ApiCall, string> = {
  render: 'Render fills in the template and returns the messages. No model is called, and it does not appear in Logs.',
  run: "Run fills in the template, calls the model and returns its answer. Every run appears in Logs (source api), as the prompt's data logging allows.",
};

/** The environment variable every snippet reads the key from: keys never appear in snippets. */
export const KEY_ENV_VAR = 'PROMPTDESK_KEY';

export interface SnippetInput {
  /** The call's endpoint, e.g. http://127.0.0.1:4319/api/v1/prompts/welcome/render */
  url: string;
  /** Which call `url` is: the snippets read its answer (render: text; run: output). */
  call: ApiCall;
  variables: Record<string, string>;
  keyRequired: boolean;
}

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * Sample values for a version's variables, in template order: each variable's example, else its
 * default, else a placeholder like "<topic>" for the caller to fill in.
 */
export function sampleVariables(version: Pick<PromptVersion, 'variables' | 'detectedVariables'> | null): Record<string, string> {
  if (!version) return {};
  const meta = new Map(version.variables.map((v) => [v.name, v]));
  const names = [...version.detectedVariables, ...version.variables.map((v) => v.name).filter((n) => !version.detectedVariables.includes(n))];
  const values: Record<string, string> = {};
  for (const name of names) {
    const m = meta.get(name);
    values[name] = present(m?.example) ? m.example : present(m?.default) ? m.default : `<${name}>`;
  }
  return values;
}

/** The base URL snippets use: the running server's, else where it would listen. */
export function apiBaseUrl(api: { url: string | null; host: string; port: number }): string {
  return api.url ?? `http://${api.host}:${api.port || 4319}`;
}

export function renderEndpoint(baseUrl: string, promptName: string): string {
  return callEndpoint(baseUrl, promptName, 'render');
}

/** `…/prompts/{name}/render` or `…/prompts/{name}/run`. */
export function callEndpoint(baseUrl: string, promptName: string, call: ApiCall): string {
  return `${baseUrl}/api/v1/prompts/${encodeURIComponent(promptName)}/${call}`;
}

/** "The API serves v3 (pinned)"; null when the prompt has no version the API could serve. */
export function servedLine(deployment: Deployment | null): string | null {
  if (!deployment || deployment.servedVersion === null) return null;
  const why =
    deployment.mode === 'pinned' && deployment.pinnedVersion !== null ? 'pinned'
    : deployment.publishedVersion !== null ? 'published'
    : 'newest';
  return `The API serves v${deployment.servedVersion} (${why})`;
}

/** Single-quotes for a POSIX shell: `it's` becomes `'it'\''s'`. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function indentBody(json: string, by: string): string {
  return json
    .split('\n')
    .map((line, i) => (i === 0 ? line : by + line))
    .join('\n');
}

function curlSnippet({ url, variables, keyRequired }: SnippetInput): string {
  // Indented under --data for reading; the extra spaces are JSON whitespace.
  const body = indentBody(JSON.stringify({ variables }, null, 2), '  ');
  const lines = [
    ...(keyRequired ? [] : ['# The Authorization header is optional for this prompt when calling from this computer.']),
    `curl -sS -X POST ${shellQuote(url)} \\`,
    `  -H "Authorization: Bearer $${KEY_ENV_VAR}" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  --data ${shellQuote(body)}`,
  ];
  return lines.join('\n');
}

const jsString = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function javascriptSnippet({ url, call, variables, keyRequired }: SnippetInput): string {
  const body = indentBody(JSON.stringify({ variables }, null, 2), '  ');
  return [
    '// Node 18+ as an ES module (top-level await).',
    ...(keyRequired ? [] : ['// The Authorization header is optional for this prompt when calling from this computer.']),
    `const response = await fetch(${jsString(url)}, {`,
    `  method: 'POST',`,
    `  headers: {`,
    `    Authorization: \`Bearer \${process.env.${KEY_ENV_VAR}}\`,`,
    `    'Content-Type': 'application/json',`,
    `  },`,
    `  body: JSON.stringify(${body}),`,
    `});`,
    `if (!response.ok) throw new Error(\`Promptdesk answered \${response.status}\`);`,
    ...(call === 'run'
      ? [`const { output, model, version } = await response.json();`, `console.log(output, model, version);`]
      : [`const { text, messages } = await response.json();`, `console.log(text, messages);`]),
  ].join('\n');
}

function pythonSnippet({ url, call, variables, keyRequired }: SnippetInput): string {
  // Variable values are strings, so this JSON is also a valid Python dict literal.
  const body = indentBody(JSON.stringify({ variables }, null, 4), '    ');
  return [
    'import os',
    '',
    'import requests',
    '',
    ...(keyRequired ? [] : ['# The Authorization header is optional for this prompt when calling from this computer.']),
    'response = requests.post(',
    `    ${JSON.stringify(url)},`,
    `    headers={"Authorization": "Bearer " + os.environ["${KEY_ENV_VAR}"]},`,
    `    json=${body},`,
    // A run waits for the model (the server allows a provider 60 s of silence).
    call === 'run' ? '    timeout=120,' : '    timeout=30,',
    ')',
    'response.raise_for_status()',
    call === 'run' ? 'print(response.json()["output"])' : 'print(response.json()["text"])',
  ].join('\n');
}

export function buildSnippet(language: SnippetLanguage, input: SnippetInput): string {
  switch (language) {
    case 'curl':
      return curlSnippet(input);
    case 'javascript':
      return javascriptSnippet(input);
    case 'python':
      return pythonSnippet(input);
  }
}
