import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { errorOf } from '../../../../helpers/errors';
import { tempDir } from '../../../../helpers/workspace';
import { main } from '../../../../../src/main/headless/cli';
import { DEFAULT_STORED, headersHint, maskEndpoint, parseOtlpHeaders, resolveTelemetry, tracesUrl, type StoredTelemetry } from '../../../../../src/main/core/telemetry/otlp-config';

const SETTINGS: StoredTelemetry = { ...DEFAULT_STORED, enabled: true, endpoint: 'http://settings:4318/v1/traces', protocol: 'http/json' };
const FLAG = 'http://flag:4318/v1/traces';
const TRACES = 'https://traces.example/otlp/v1/traces';
const BASE = 'http://base:4318/';

describe('flag > OTEL_EXPORTER_OTLP_* > Settings > off', () => {
  // Every combination of the four sources: the endpoint comes from the first one present.
  const combos = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((bits) => ({ flag: !!(bits & 1), traces: !!(bits & 2), base: !!(bits & 4), settings: !!(bits & 8) }));
  it.each(combos)('%o', ({ flag, traces, base, settings }) => {
    const env: NodeJS.ProcessEnv = {};
    if (traces) env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] = TRACES;
    if (base) env['OTEL_EXPORTER_OTLP_ENDPOINT'] = BASE;
    const got = resolveTelemetry(settings ? SETTINGS : DEFAULT_STORED, {}, flag ? FLAG : undefined, env);
    const [endpoint, source] = flag
      ? [FLAG, 'flag']
      : traces
        ? [TRACES, 'env']
        : base
          ? ['http://base:4318/v1/traces', 'env']
          : settings
            ? [SETTINGS.endpoint, 'settings']
            : [null, 'default'];
    expect(got).toMatchObject({ endpoint, endpointSource: source, enabled: endpoint !== null });
    // The protocol: Settings' unless a variable names one.
    expect(got.protocol).toBe(settings ? 'http/json' : 'http/protobuf');
  });

  it('a Settings endpoint that is switched off exports nothing; a flag or variable turns export on', () => {
    const off = { ...SETTINGS, enabled: false };
    expect(resolveTelemetry(off, {}, undefined, {}).enabled).toBe(false);
    expect(resolveTelemetry(off, {}, FLAG, {}).enabled).toBe(true);
    expect(resolveTelemetry(off, {}, undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: BASE }).enabled).toBe(true);
  });

  it('OTEL_SDK_DISABLED=true turns every source off', () => {
    expect(resolveTelemetry(SETTINGS, {}, FLAG, { OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
  });

  it.each([
    ['the flag', FLAG, {}, SETTINGS, 'OTEL_SDK_DISABLED=true turns export off, over --otlp-endpoint'],
    ['a variable', undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: BASE }, DEFAULT_STORED, 'OTEL_SDK_DISABLED=true turns export off, over OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT'],
    ['Settings', undefined, {}, SETTINGS, 'OTEL_SDK_DISABLED=true turns export off, over Settings → Telemetry'],
    ['nothing (export was off anyway)', undefined, {}, DEFAULT_STORED, null],
    ['Settings switched off', undefined, {}, { ...SETTINGS, enabled: false }, null],
  ] as const)('attack 15a F6: OTEL_SDK_DISABLED=true over %s warns', (_label, flag, env, stored, warning) => {
    const got = resolveTelemetry(stored, {}, flag, { ...env, OTEL_SDK_DISABLED: 'TRUE' });
    expect(got.enabled).toBe(false);
    expect(got.warning).toBe(warning);
    // Without the variable, never a warning.
    expect(resolveTelemetry(stored, {}, flag, env).warning).toBeNull();
  });

  it('the protocol variables: traces-specific first, grpc refused naming the variable', () => {
    expect(resolveTelemetry(SETTINGS, {}, undefined, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' })).toMatchObject({ protocol: 'http/protobuf', protocolSource: 'env' });
    expect(resolveTelemetry(SETTINGS, {}, undefined, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }).protocol).toBe('http/json');
    expect(errorOf(() => resolveTelemetry(SETTINGS, {}, undefined, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }))).toMatchObject({ field: 'OTEL_EXPORTER_OTLP_PROTOCOL' });
  });

  it('headers: the variables over the saved ones, key by key', () => {
    const got = resolveTelemetry(SETTINGS, { Authorization: 'Basic saved', 'x-team': 'a' }, undefined, { OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20env' });
    expect(got.headers).toEqual({ Authorization: 'Basic env', 'x-team': 'a' });
  });

  it('saved headers never follow a flag or variable to another collector', () => {
    const saved = { Authorization: 'Basic saved' };
    expect(resolveTelemetry(SETTINGS, saved, FLAG, {}).headers).toEqual({});
    expect(resolveTelemetry(SETTINGS, saved, undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: BASE }).headers).toEqual({});
    expect(resolveTelemetry(SETTINGS, saved, 'http://settings:4318/other/v1/traces', {}).headers).toEqual(saved);
  });

  it.each([
    ['--otlp-endpoint', { flag: 'ftp://x/v1/traces' }],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' } }],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'file:///tmp/x' } }],
  ] as const)('an endpoint that is not http(s) is refused naming %s', (field, source) => {
    const error = errorOf(() => resolveTelemetry(DEFAULT_STORED, {}, 'flag' in source ? source.flag : undefined, 'env' in source ? source.env : {}));
    expect(error).toMatchObject({ code: 'invalid_input', field });
  });
});

describe('attack 15a F7: base endpoints with a query, and what is shown of a URL', () => {
  it.each([
    ['http://c:4318', 'http://c:4318/v1/traces'],
    ['http://c:4318/', 'http://c:4318/v1/traces'],
    ['http://c:4318/base//', 'http://c:4318/base/v1/traces'],
    ['http://c:4318/base/?token=QSEKRET77', 'http://c:4318/base/v1/traces?token=QSEKRET77'],
    ['https://c/api/public/otel?a=1&b=2', 'https://c/api/public/otel/v1/traces?a=1&b=2'],
  ])('OTEL_EXPORTER_OTLP_ENDPOINT=%s sends to %s', (base, expected) => {
    expect(tracesUrl(base)).toBe(expected);
    expect(resolveTelemetry(DEFAULT_STORED, {}, undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: base }).endpoint).toBe(expected);
  });

  it.each([
    ['http://c:4318/v1/traces', 'http://c:4318/v1/traces'],
    ['http://c:4318/v1/traces?token=QSEKRET77', 'http://c:4318/v1/traces?token=…ET77'],
    ['http://c:4318/v1/traces?k=short&long=abcdefghijkl#frag', 'http://c:4318/v1/traces?k=…&long=…ijkl'],
    ['http://user:pa55word@c:4318/v1/traces', 'http://…@c:4318/v1/traces'],
    ['http://c:4318/v1/traces#frag', 'http://c:4318/v1/traces'],
    ['not a url', 'not a url'],
  ])('shows %s as %s', (url, shown) => {
    expect(maskEndpoint(url)).toBe(shown);
  });

  it('never shows a query value longer than 8 characters in full', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 9, maxLength: 40 }), (value) => {
        const shown = maskEndpoint(`http://c:4318/v1/traces?t=${encodeURIComponent(value)}`);
        expect(shown.startsWith('http://c:4318/v1/traces?t=…')).toBe(true);
        expect(decodeURIComponent(shown.slice(shown.indexOf('…') + 1))).toBe(value.slice(-4));
      }),
    );
  });
});

describe('OTLP headers text', () => {
  it('parses what it writes (URL-encoded values), for any header values', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
    fc.assert(
      fc.property(fc.dictionary(token, fc.string({ minLength: 1, maxLength: 40 }).filter((v) => v.trim() === v && v.length > 0)), (headers) => {
        const text = Object.entries(headers)
          .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
          .join(',');
        expect(text === '' ? {} : parseOtlpHeaders(text)).toEqual(headers);
      }),
    );
  });

  it('a header named __proto__ is a header (found by the property above)', () => {
    const parsed = parseOtlpHeaders('__proto__=!,a=b');
    expect(Object.entries(parsed)).toEqual([
      ['__proto__', '!'],
      ['a', 'b'],
    ]);
  });

  it('is shown back as names with at most the last 4 characters of a long value', () => {
    expect(headersHint({ Authorization: 'Basic cGs6c2stc2VjcmV0', 'x-short': 'abc' })).toBe('Authorization=…cmV0, x-short=…');
    expect(headersHint({})).toBeNull();
  });
});

describe('serve --otlp-endpoint', () => {
  const dir = tempDir();
  afterEach(() => vi.restoreAllMocks());

  it('refuses a URL that is not http(s) before anything starts, naming the flag', async () => {
    let err = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['serve', '--data-dir', dir.dir, '--port', '0', '--otlp-endpoint', 'ftp://collector/v1/traces'])).toBe(2); // a usage error
    expect(err).toContain('--otlp-endpoint "ftp://collector/v1/traces": Use an http:// or https:// URL');
    dir.cleanup();
  });
});
