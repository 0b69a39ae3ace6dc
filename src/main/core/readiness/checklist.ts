import type { PromptVersion } from '../../../shared/schemas/prompts';
import type { DataLoggingLevel, TestCase } from '../../../shared/schemas/runs';
import type { Share, SharingLevel } from '../../../shared/schemas/sharing';
import { SHARING_LEVEL_LABELS } from '../../../shared/schemas/sharing';
import {
  READINESS_TITLES,
  type ReadinessFix,
  type ReadinessItem,
  type ReadinessItemId,
  type ReadinessPerson,
  type ReadinessTick,
  type ReadinessTickItem,
} from '../../../shared/schemas/readiness';
import { renderTemplate, suppliesValue, type VariableValue } from '../../../shared/template/template';
import { renderedUserMessage } from '../runs/run-service';
import {
  charCount,
  DISPLAY_MESSAGE_THRESHOLD_CHARS,
  LONG_INPUT_MIN_CHARS,
  SHORT_INPUT_MAX_CHARS,
  USEFUL_RATERS_REQUIRED,
} from './thresholds';

/**
 * Everything the checklist reads about one prompt, gathered by readiness-service.ts. Each item
 * below is a pure function of these facts, so every rule is in exactly one place.
 */
export interface ReadinessFacts {
  name: string;
  title: string;
  description: string;
  /** The version chat and the library serve (servedNumber 'active'); null when none is saved. */
  version: PromptVersion | null;
  testCases: TestCase[];
  /** Ids of the test cases the version has a successful run on. */
  passedTestCases: Set<string>;
  ticks: Partial<Record<ReadinessTickItem, ReadinessTick>>;
  dataLogging: DataLoggingLevel;
  dataLoggingSetBy: ReadinessPerson | null;
  sharingLevel: SharingLevel;
  shares: Share[];
  /** What the access_levels tick confirmed (accessConfirmation at the time); null when none is recorded. */
  accessConfirmed: string | null;
  usefulRaters: ReadinessPerson[];
  /** Which ticks the caller may set (edit for edge cases and naming, share for access levels). */
  mayTick: Record<ReadinessTickItem, boolean>;
}

const LOGGING_LABELS: Record<DataLoggingLevel, string> = { full: 'Full', metadata: 'Metadata only', none: 'None' };
const day = (iso: string) => iso.slice(0, 10);
const byWhom = (p: ReadinessPerson) => `${p.name} on ${day(p.at)}`;
const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function item(
  id: ReadinessItemId,
  status: ReadinessItem['status'],
  summary: string,
  evidence: ReadinessItem['evidence'],
  fix: ReadinessFix,
  facts: ReadinessFacts,
): ReadinessItem {
  const tickable = id === 'edge_cases' || id === 'clear_naming' || id === 'access_levels';
  return {
    id,
    title: READINESS_TITLES[id],
    status,
    summary,
    evidence,
    fix,
    tickable,
    tick: tickable ? (facts.ticks[id] ?? null) : null,
    canTick: tickable && facts.mayTick[id],
  };
}

const NO_VERSION = 'No saved version yet: save the prompt first';
const TEST_PANEL: ReadinessFix = { screen: 'prompt', tab: 'editor', field: 'testCases', label: 'Open the Test panel' };

/** 1. Saved test cases exist and every one has a successful run of the version checked. */
export function testedItem(facts: ReadinessFacts): ReadinessItem {
  const { version, testCases, passedTestCases } = facts;
  const passed = testCases.filter((c) => passedTestCases.has(c.id));
  const missing = testCases.filter((c) => !passedTestCases.has(c.id)).map((c) => c.name);
  const evidence = { version: version?.number ?? null, testCases: testCases.length, passedTestCases: passed.length, missing };
  const open = (summary: string) => item('tested', 'open', summary, evidence, TEST_PANEL, facts);
  if (!version) return open(NO_VERSION);
  if (testCases.length === 0) return open(`No saved test cases: save realistic variable values as test cases in the Test panel, then run them on v${version.number}`);
  if (missing.length > 0) {
    // Runs of the unsaved draft are not runs of a version: the panel's version picker says which.
    return open(`${passed.length} of ${plural(testCases.length, 'test case')} ${passed.length === 1 ? 'has' : 'have'} a successful run of v${version.number}; run ${missing.map((m) => `"${m}"`).join(', ')} on v${version.number} in the Test panel`);
  }
  return item('tested', 'pass', `All ${plural(testCases.length, 'test case')} ran successfully on v${version.number}`, evidence, TEST_PANEL, facts);
}

/**
 * 2. The test cases vary the inputs: one with a value of at most SHORT_INPUT_MAX_CHARS, one with a
 * value of at least LONG_INPUT_MIN_CHARS, and (when the version has optional variables: those
 * with a default) one that leaves an optional variable out (so its default renders). Passes on those, or on a
 * manual tick (the author judged the edge cases otherwise). Not applicable without variables.
 */
export function edgeCasesItem(facts: ReadinessFacts): ReadinessItem {
  const { version, testCases } = facts;
  const tick = facts.ticks.edge_cases;
  if (!version) return item('edge_cases', 'open', NO_VERSION, {}, TEST_PANEL, facts);
  const names = version.variables.map((v) => v.name);
  const optional = version.variables.filter((v) => v.default !== undefined).map((v) => v.name);
  const lengths = testCases.flatMap((c) => names.filter((n) => Object.hasOwn(c.variables, n)).map((n) => charCount(String(c.variables[n]))));
  const hasShort = lengths.some((n) => n <= SHORT_INPUT_MAX_CHARS);
  const hasLong = lengths.some((n) => n >= LONG_INPUT_MIN_CHARS);
  // Left out exactly when rendering uses the default: an empty value is a value (it renders empty).
  const leftOut = optional.length === 0 ? null : testCases.some((c) => optional.some((n) => !suppliesValue(c.variables, n)));
  const evidence = {
    variables: names.length,
    testCases: testCases.length,
    shortInput: hasShort,
    longInput: hasLong,
    optionalVariables: optional,
    optionalLeftOut: leftOut,
    shortInputMaxChars: SHORT_INPUT_MAX_CHARS,
    longInputMinChars: LONG_INPUT_MIN_CHARS,
  };
  if (names.length === 0) return item('edge_cases', 'not_applicable', 'The template has no variables: there are no inputs to vary', evidence, TEST_PANEL, facts);
  if (tick) return item('edge_cases', 'pass', `Confirmed by ${byWhom(tick)}`, evidence, TEST_PANEL, facts);
  const lacking = [
    hasShort ? null : `a short value (at most ${SHORT_INPUT_MAX_CHARS} characters)`,
    hasLong ? null : `a long value (at least ${LONG_INPUT_MIN_CHARS.toLocaleString('en-US')} characters)`,
    leftOut === false ? `an optional variable left out (${optional.join(', ')})` : null,
  ].filter((x): x is string => x !== null);
  if (lacking.length === 0) return item('edge_cases', 'pass', 'The test cases include a short value, a long value' + (leftOut ? ' and an optional variable left out' : ''), evidence, TEST_PANEL, facts);
  return item('edge_cases', 'open', `No test case with ${lacking.join('; none with ')}. Add them, or tick it if the edge cases are covered otherwise`, evidence, TEST_PANEL, facts);
}

/** Lowercase without spaces, dashes, underscores or dots: `welcome-email` and "Welcome email" are the same words. */
const bare = (text: string) => text.toLowerCase().replace(/[\s_.-]+/g, '');

/**
 * 3. A title and a description, each saying more than the name (and the description more than
 * the title), plus a manual tick that someone judged them clear. Both are needed to pass.
 */
export function clearNamingItem(facts: ReadinessFacts): ReadinessItem {
  const { name, title, description } = facts;
  const tick = facts.ticks.clear_naming;
  const titleSet = title.trim() !== '';
  const descriptionSet = description.trim() !== '';
  const titleDistinct = titleSet && bare(title) !== bare(name);
  const descriptionDistinct = descriptionSet && bare(description) !== bare(name) && bare(description) !== bare(title);
  const evidence = { title, description, titleDistinct, descriptionDistinct };
  // The title and description are edited on the Readiness tab itself (the editor edits versions).
  const fix: ReadinessFix = { screen: 'prompt', tab: 'readiness', field: titleDistinct ? 'description' : 'title', label: 'Edit the title and description' };
  const problems = [
    !titleSet ? 'no title' : !titleDistinct ? 'the title only repeats the name' : null,
    !descriptionSet ? 'no description' : !descriptionDistinct ? 'the description only repeats the name or title' : null,
  ].filter((x): x is string => x !== null);
  if (problems.length > 0) return item('clear_naming', 'open', capitalize(problems.join('; ')), evidence, fix, facts);
  if (!tick) return item('clear_naming', 'open', 'Title and description are set; ask someone who did not build it whether they are clear, then tick it', evidence, fix, facts);
  return item('clear_naming', 'pass', `Title and description set; confirmed clear by ${byWhom(tick)}`, evidence, fix, facts);
}

/** Values to render a sample with: the case's values over each variable's example, else default, else empty. */
function sampleValues(version: PromptVersion, values: Record<string, VariableValue>): Record<string, VariableValue> {
  const base = Object.fromEntries(version.variables.map((v) => [v.name, v.example ?? v.default ?? '']));
  return { ...base, ...values };
}

/**
 * 4. The rendered user message (what chat shows without a display message: the render's last
 * user message) is measured with each saved test case's values, or with the variables' example
 * values when there are none; past DISPLAY_MESSAGE_THRESHOLD_CHARS it needs a display message.
 * Set: pass. Not needed and not set: not applicable.
 */
export function displayMessageItem(facts: ReadinessFacts): ReadinessItem {
  const { version, testCases } = facts;
  const fix: ReadinessFix = { screen: 'prompt', tab: 'editor', field: 'displayMessage', label: 'Set the display message' };
  if (!version) return item('display_message', 'open', NO_VERSION, { thresholdChars: DISPLAY_MESSAGE_THRESHOLD_CHARS }, fix, facts);
  const samples = testCases.length > 0 ? testCases.map((c) => ({ label: `test case "${c.name}"`, values: c.variables })) : [{ label: 'the example values', values: {} }];
  let longest = { chars: 0, label: samples[0]!.label };
  for (const sample of samples) {
    const rendered = renderTemplate(version.template, sampleValues(version, sample.values), version.variables);
    if (!rendered.ok) continue;
    const chars = charCount(renderedUserMessage(rendered.messages));
    if (chars > longest.chars) longest = { chars, label: sample.label };
  }
  const isSet = !!version.displayMessage;
  const evidence = { userMessageChars: longest.chars, thresholdChars: DISPLAY_MESSAGE_THRESHOLD_CHARS, measuredWith: longest.label, displayMessageSet: isSet };
  const measured = `The rendered user message is ${longest.chars.toLocaleString('en-US')} characters with ${longest.label} (threshold ${DISPLAY_MESSAGE_THRESHOLD_CHARS})`;
  if (isSet) return item('display_message', 'pass', `Display message set. ${measured}`, evidence, fix, facts);
  if (longest.chars > DISPLAY_MESSAGE_THRESHOLD_CHARS) return item('display_message', 'open', `${measured}: set a display message so chat shows that instead`, evidence, fix, facts);
  return item('display_message', 'not_applicable', `${measured}: short enough to show as it is`, evidence, fix, facts);
}

/**
 * 5. Someone chose the data-logging level (choosing Full, the default, counts): who and when are
 * recorded. A level other than Full that was set before Promptdesk recorded the setter was also a
 * choice (pass, setter unknown); Full that nobody chose is "left at the default unseen": open.
 */
export function dataLoggingItem(facts: ReadinessFacts): ReadinessItem {
  const { dataLogging, dataLoggingSetBy: by } = facts;
  const fix: ReadinessFix = { screen: 'prompt', tab: 'logs', field: 'dataLogging', label: 'Choose the data logging level' };
  const evidence = { level: dataLogging, setBy: by ? [by] : [] };
  const label = LOGGING_LABELS[dataLogging];
  if (by) return item('data_logging', 'pass', `${label}, chosen by ${byWhom(by)}`, evidence, fix, facts);
  if (dataLogging !== 'full') return item('data_logging', 'pass', `${label} (set before Promptdesk recorded who chose it)`, evidence, fix, facts);
  return item('data_logging', 'open', 'Left at the default (Full, everything kept) without anyone choosing it: choose a level for the sensitivity of the data (Full counts too)', evidence, fix, facts);
}

/**
 * The access a tick on item 6 confirms, as a canonical text (stored with the tick,
 * readiness_ticks.confirmed): the sharing level and each share's member id and permission, in a
 * fixed order so the same access always gives the same text.
 */
export function accessConfirmation(level: SharingLevel, shares: readonly Share[]): string {
  const people = shares.map((s) => `${s.user.id}:${s.permission}`).sort();
  return JSON.stringify({ level, shares: people });
}

/**
 * 6. The sharing level and shares, confirmed as intended by a tick (owner or admin). The tick
 * counts only while the access is still what was confirmed: any later change of level or shares
 * (widening then narrowing back included) opens the item again, with tick null so it can be
 * ticked anew; going back to exactly the confirmed access passes again.
 */
export function accessLevelsItem(facts: ReadinessFacts): ReadinessItem {
  const { sharingLevel, shares } = facts;
  const tick = facts.ticks.access_levels;
  const fix: ReadinessFix = { screen: 'prompt', tab: 'sharing', field: 'level', label: 'Review sharing' };
  const people = shares.map((s) => `${s.user.name || s.user.email} (${s.permission})`);
  const evidence = { level: sharingLevel, shares: people };
  const current = `${SHARING_LEVEL_LABELS[sharingLevel]}; ${shares.length === 0 ? 'not shared with anyone' : `shared with ${people.join(', ')}`}`;
  if (tick && facts.accessConfirmed === accessConfirmation(sharingLevel, shares)) {
    return item('access_levels', 'pass', `${current}. Confirmed by ${byWhom(tick)}`, evidence, fix, facts);
  }
  if (tick) {
    const stale = `${current}. The access changed after ${byWhom(tick)} confirmed it: confirm it again`;
    return { ...item('access_levels', 'open', stale, evidence, fix, facts), tick: null };
  }
  return item('access_levels', 'open', `${current}. Confirm this is as intended`, evidence, fix, facts);
}

/** 7. At least USEFUL_RATERS_REQUIRED distinct members rated a run of the version "useful" (from the logs; Refine turns do not count). */
export function usefulRatingsItem(facts: ReadinessFacts): ReadinessItem {
  const { version, usefulRaters } = facts;
  const fix: ReadinessFix = { screen: 'chat', tab: null, field: null, label: 'Run it in Chat and rate the answer' };
  const evidence = { members: usefulRaters, required: USEFUL_RATERS_REQUIRED };
  if (!version) return item('useful_ratings', 'open', NO_VERSION, evidence, fix, facts);
  const names = usefulRaters.map((p) => p.name).join(', ');
  if (usefulRaters.length >= USEFUL_RATERS_REQUIRED) {
    return item('useful_ratings', 'pass', `${usefulRaters.length} members rated v${version.number} useful: ${names}`, evidence, fix, facts);
  }
  const so = usefulRaters.length === 0 ? 'Nobody has' : `${plural(usefulRaters.length, 'member')} (${names}) ${usefulRaters.length === 1 ? 'has' : 'have'}`;
  return item('useful_ratings', 'open', `${so} rated a run of v${version.number} useful; ${USEFUL_RATERS_REQUIRED} different members are needed`, evidence, fix, facts);
}

/** The seven items in the seed's order. */
export function checklist(facts: ReadinessFacts): ReadinessItem[] {
  return [testedItem, edgeCasesItem, clearNamingItem, displayMessageItem, dataLoggingItem, accessLevelsItem, usefulRatingsItem].map((f) => f(facts));
}
