/**
 * A misspelled top-level key (`cluster_api_adr`) reported where the mistake is, on its own line, as
 * "Unknown key … — did you mean cluster_api_addr?", instead of a "missing required key" on the document's
 * first line. Works for schemas that allow unknown keys (our built-in talos-cluster copy) and for those that
 * forbid them (a repository's own schema, which already reports the unknown key).
 */
import type { Issue } from './issues';
import { closest } from './levenshtein';
import { isRecord } from './siteConfig';

export interface KeySet {
  /** Every key the format knows. */
  readonly known: readonly string[];
  /** Keys the consumer refuses to run without (those it defaults are not among them). */
  readonly required: readonly string[];
  /** Who reads the file, for messages ("talos-cluster's template"). */
  readonly consumer: string;
}

function isMissing(issue: Issue, key: string): boolean {
  return issue.code === 'missing-key' && issue.path.length === 0 && issue.data?.missing === key;
}

function message(key: string, meant: string, requiredMissing: boolean, consumer: string): string {
  const head = `Unknown key '${key}' — did you mean '${meant}'?`;
  return requiredMissing
    ? `${head} '${meant}' is required, so ${consumer} refuses the file until the key is renamed.`
    : `${head} ${consumer} does not read '${key}', so its value is lost.`;
}

export function reportMisspelledKeys(data: unknown, issues: readonly Issue[], keys: KeySet): Issue[] {
  if (!isRecord(data)) return [...issues];
  const present = new Set(Object.keys(data));
  const absent = keys.known.filter((k) => !present.has(k));
  const out: Issue[] = [];
  const replaced = new Set<string>();
  const reportedKeys = new Set<string>();
  const requiredMissing = (meant: string): boolean => keys.required.includes(meant) && issues.some((i) => isMissing(i, meant));
  for (const issue of issues) {
    // A schema that forbids unknown keys already found it; say it our way and drop the far-away "missing".
    if (issue.code === 'unknown-key' && issue.path.length === 1 && typeof issue.data?.replacement === 'string') {
      const key = String(issue.path[0]);
      const meant = issue.data.replacement;
      reportedKeys.add(key);
      if (requiredMissing(meant)) replaced.add(meant);
      out.push({ ...issue, severity: 'error', message: message(key, meant, requiredMissing(meant), keys.consumer) });
      continue;
    }
    if (issue.code === 'unknown-key' && issue.path.length === 1) reportedKeys.add(String(issue.path[0]));
    out.push(issue);
  }
  for (const key of present) {
    if (keys.known.includes(key) || reportedKeys.has(key)) continue;
    const meant = closest(key, absent);
    if (!meant) continue;
    const missing = requiredMissing(meant);
    if (missing) replaced.add(meant);
    out.push({
      path: [key],
      on: 'key',
      severity: missing ? 'error' : 'warning',
      code: 'unknown-key',
      message: message(key, meant, missing, keys.consumer),
      data: { replacement: meant },
    });
  }
  return out.filter((i) => ![...replaced].some((k) => isMissing(i, k)));
}
