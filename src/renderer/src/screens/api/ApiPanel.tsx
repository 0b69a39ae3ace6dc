import { Banner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Link } from '../../components/Link';
import { SelectField } from '../../components/SelectField';
import { Switch } from '../../components/Switch';
import { useCopy } from '../../lib/clipboard';
import {
  API_CALL_HINTS,
  API_CALL_LABELS,
  API_CALLS,
  KEY_ENV_VAR,
  SNIPPET_LANGUAGE_LABELS,
  SNIPPET_LANGUAGES,
  type ApiCall,
  type SnippetLanguage,
} from '../../state/api-snippets';
import { endpointFor, mayChangeApi, servedDescription, snippetFor, useServed } from '../../state/prompt-api-slice';
import { useSharing } from '../../state/sharing-queries';
import { useAppStore } from '../../state/store';
import { LockIcon } from '../../components/LockIcon';

const LANGUAGE_OPTIONS = SNIPPET_LANGUAGES.map((value) => ({ value, label: SNIPPET_LANGUAGE_LABELS[value] }));

/** The API tab: whether API callers may use this prompt, where, and how (ready-to-run snippets). */
export function ApiPanel({ promptName }: { promptName: string }) {
  const { error, retry } = useServed(promptName);

  return (
    <div className="tab-stack api-tab">
      <AccessSection promptName={promptName} />
      {error && (
        <Banner tone="error" action={<Button size="sm" onClick={retry}>Try again</Button>}>
          Could not load what the API serves: {error}
        </Banner>
      )}
      <EndpointSection promptName={promptName} />
      <SnippetSection promptName={promptName} />
    </div>
  );
}

function AccessSection({ promptName }: { promptName: string }) {
  const apiAccess = useAppStore((s) => s.editor.prompt?.apiAccess ?? false);
  const keyRequired = useAppStore((s) => s.editor.prompt?.apiKeyRequired ?? true);
  // Who may change the switches comes from the prompt's sharing (owner or admin: "share").
  const may = mayChangeApi(useSharing(promptName));
  const busy = useAppStore((s) => s.promptApi.busy);
  const setAccess = useAppStore((s) => s.promptApi.setAccess);
  const setKeyRequired = useAppStore((s) => s.promptApi.setKeyRequired);
  const disabled = may !== true || busy;

  return (
    <section className="panel api-access" aria-labelledby="api-access-title">
      <h2 id="api-access-title" className="panel__title">
        Access
      </h2>
      {may === false && (
        <p className="sharing__readonly">
          <LockIcon />
          Only the owner or an admin can change API access
        </p>
      )}
      <Switch
        label="API access"
        hint={apiAccess ? 'On: the API serves this prompt to callers who may see it.' : 'Off: API callers get 404 for this prompt.'}
        checked={apiAccess}
        disabled={disabled}
        busy={busy}
        onChange={(on) => void setAccess(on)}
      />
      <Switch
        label="Key required"
        hint={keyRequired ? 'On: callers send an API key in the Authorization header.' : 'Off: no key needed, from this computer only.'}
        checked={keyRequired}
        disabled={disabled}
        busy={busy}
        onChange={(on) => void setKeyRequired(on)}
      />
      {!keyRequired && (
        <p className="api-access__note">Without a key this prompt can be read, rendered and run only from this computer (127.0.0.1).</p>
      )}
    </section>
  );
}

function EndpointSection({ promptName }: { promptName: string }) {
  const render = useAppStore((s) => endpointFor(s, 'render'));
  const run = useAppStore((s) => endpointFor(s, 'run'));
  const listening = useAppStore((s) => Boolean(s.session.info?.api.url));
  const data = useServed(promptName).served;
  const served = servedDescription(data);
  const loaded = data !== null;

  return (
    <section className="panel api-endpoint" aria-labelledby="api-endpoint-title">
      <h2 id="api-endpoint-title" className="panel__title">
        Endpoint
      </h2>
      {render && run && (
        <dl className="api-endpoint__calls">
          <EndpointCall call="render" url={render} />
          <EndpointCall call="run" url={run} />
        </dl>
      )}
      {!listening && (
        <Banner tone="warning">
          The API server is off, so nothing answers at this address. Turn it on in{' '}
          <Link to={{ name: 'settings' }}>Settings</Link>.
        </Banner>
      )}
      {loaded && <p className="api-endpoint__served">{served ?? 'The API serves nothing yet: save a version first.'}</p>}
    </section>
  );
}

/** One call, its URL, and what it does: whether it calls the model and appears in Logs. */
function EndpointCall({ call, url }: { call: ApiCall; url: string }) {
  return (
    <div className="api-endpoint__call">
      <dt className="api-endpoint__url">
        <span className="api-endpoint__method">POST</span>
        <code className="break-all">{url}</code>
      </dt>
      <dd className="api-endpoint__what">
        <span className={`badge${call === 'run' ? '' : ' badge--muted'}`}>{call === 'run' ? 'In Logs' : 'Not logged'}</span> {API_CALL_HINTS[call]}
      </dd>
    </div>
  );
}

const CALL_OPTIONS = API_CALLS.map((value) => ({ value, label: API_CALL_LABELS[value] }));

function SnippetSection({ promptName }: { promptName: string }) {
  const apiAccess = useAppStore((s) => s.editor.prompt?.apiAccess ?? false);
  const keyRequired = useAppStore((s) => s.editor.prompt?.apiKeyRequired ?? true);
  const language = useAppStore((s) => s.promptApi.language);
  const setLanguage = useAppStore((s) => s.promptApi.setLanguage);
  const call = useAppStore((s) => s.promptApi.call);
  const setCall = useAppStore((s) => s.promptApi.setCall);

  return (
    <section className="panel api-snippets" aria-labelledby="api-snippets-title">
      <div className="api-snippets__bar">
        <h2 id="api-snippets-title" className="panel__title">
          Call it
        </h2>
        <div className="api-snippets__choices">
          <div className="segmented" role="group" aria-label="Call">
            {CALL_OPTIONS.map((option) => (
              <button key={option.value} type="button" className="segmented__option" aria-pressed={call === option.value} onClick={() => setCall(option.value)}>
                {option.label}
              </button>
            ))}
          </div>
          <SelectField
            label="Snippet language"
            options={LANGUAGE_OPTIONS}
            value={language}
            onChange={(event) => setLanguage(event.target.value as SnippetLanguage)}
          />
        </div>
      </div>
      {/* Says what the chosen call does, so the hint always matches the switch above it. */}
      <p className="panel__hint api-snippets__call-hint" role="status">
        {API_CALL_HINTS[call]}
      </p>
      {!apiAccess && <Banner tone="warning">API access is off: these calls answer 404 until you turn it on.</Banner>}
      <p className="panel__hint api-snippets__hint">
        Variables are filled with their examples or defaults. Put an API key from{' '}
        <Link to={{ name: 'settings' }}>Settings → API keys</Link> in <code>{KEY_ENV_VAR}</code>
        {keyRequired ? '.' : ': it is optional for this prompt when you call from this computer.'}
      </p>
      <Snippet promptName={promptName} language={language} inactive={!apiAccess} />
    </section>
  );
}

function Snippet({ promptName, language, inactive }: { promptName: string; language: SnippetLanguage; inactive: boolean }) {
  const served = useServed(promptName).served?.version ?? null;
  const text = useAppStore((s) => snippetFor(s, language, served));
  const [copyState, copy] = useCopy();
  const label = SNIPPET_LANGUAGE_LABELS[language];
  return (
    <figure className={`snippet${inactive ? ' snippet--inactive' : ''}`}>
      <figcaption className="visually-hidden">{label} snippet</figcaption>
      {/* Focusable so keyboard users can scroll a long line sideways. */}
      <pre className="snippet__code" tabIndex={0}>
        <code>{text}</code>
      </pre>
      <div className="snippet__actions">
        <span role="status" className={`snippet__status snippet__status--${copyState}`}>
          {copyState === 'copied' ? 'Copied' : copyState === 'failed' ? 'Could not copy: select the text instead' : ''}
        </span>
        <Button size="sm" aria-label={`Copy ${label} snippet`} onClick={() => void copy(text)}>
          Copy
        </Button>
      </div>
    </figure>
  );
}

