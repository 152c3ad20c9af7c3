/** Nix's error output read into one error with a position in the user's file. */
import type { NixEvalError, NixPos, PosTree } from './evaluate';
import { parsePartialJson } from './partialJson';
import { WRAPPER_LINES } from './wrapper';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Reads Nix's error text (2.x formats) and the cut-off JSON into one error with a position in this file. */
export function parseNixError(stderr: string, stdout: string, text: string): NixEvalError {
  const lines = stderr.replace(ANSI, '').split('\n');
  const first = lines.findIndex((l) => l.startsWith('error:'));
  const block = first >= 0 ? lines.slice(first) : lines;
  // The message: from `error:` to the first blank line, trace line, position or code excerpt.
  const messageLines: string[] = [];
  for (const raw of block) {
    if (messageLines.length > 0 && (raw.trim() === '' || /^\s*(… |at |\d+\||\|)/.test(raw))) break;
    if (raw.trim() === '') continue;
    messageLines.push(raw.replace(/^error:\s*/, '').trim());
  }
  let message = messageLines.join(' ').replace(/\(use '--show-trace'.*$/, '').trim();
  // Positions in the message itself ("already defined at (string):2:3") count the wrapper's line too.
  message = message.replace(/(?:«stdin»|\(stdin\)|\(string\)):(\d+):(\d+)/g, (_m, l: string, c: string) => `line ${Number(l) - WRAPPER_LINES}, column ${c}`);
  if (!message) message = 'Nix could not evaluate this file.';

  // With --show-trace the innermost position comes first, then the frames that led there.
  let line: number | undefined;
  let column: number | undefined;
  let elsewhere: string | undefined;
  const contentLines = text.trimEnd().split('\n').length;
  for (const raw of block) {
    const at = /^\s*at (.+):(\d+):(\d+):?\s*$/.exec(raw);
    if (!at) continue;
    const where = at[1];
    if (where === '«stdin»' || where === '(stdin)' || where === '(string)') {
      const l = Number(at[2]) - WRAPPER_LINES;
      // Trace frames inside the wrapper itself say nothing about the user's file.
      if (l < 1) continue;
      if (l > contentLines) {
        // Nix reached the wrapper's closing parenthesis: something in the file is never closed.
        line = contentLines;
        column = 1;
        if (/syntax error/.test(message)) {
          message = 'syntax error: the file ends before every `{`, `[`, `(`, `let … in` or string is closed.';
        }
      } else {
        line = Math.max(l, 1);
        column = Number(at[3]);
      }
      break;
    }
    elsewhere ??= `${where}:${at[2]}:${at[3]}`;
  }

  const { attrPath, attrPos } = failedAttribute(stdout);
  return {
    message,
    ...(line !== undefined ? { line, column: column ?? 1 } : {}),
    ...(elsewhere !== undefined ? { elsewhere } : {}),
    ...(attrPath ? { attrPath } : {}),
    ...(attrPos ? { attrPos } : {}),
  };
}

/**
 * The wrapper prints `{"a": <positions>, "b": <value>, …}`. Output that stops inside `a` or `b` names the
 * attribute being evaluated; the positions printed so far locate it.
 */
function failedAttribute(stdout: string): { attrPath?: string[]; attrPos?: NixPos } {
  if (!stdout.trim()) return {};
  const { value, cutAt } = parsePartialJson(stdout);
  if (!cutAt || cutAt.length < 2 || typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const tree = value['a'] as PosTree | undefined;
  const attrPath: string[] = [];
  if (cutAt[0] === 'a') {
    // a.<name>.sub.<name>.sub… : names at odd indexes, followed by "at" or "sub".
    for (let k = 1; k < cutAt.length; k += 2) {
      const name = cutAt[k];
      if (typeof name !== 'string') break;
      attrPath.push(name);
      if (cutAt[k + 1] !== 'sub') break;
    }
  } else if (cutAt[0] === 'b') {
    for (const part of cutAt.slice(1)) {
      if (typeof part !== 'string') break;
      attrPath.push(part);
    }
  }
  let attrPos: NixPos | undefined;
  let level: PosTree | null | undefined = tree;
  for (const name of attrPath) {
    const entry: PosTree[string] | undefined = level?.[name];
    if (!entry) break;
    if (entry.at) attrPos = entry.at;
    level = entry.sub;
  }
  return attrPath.length ? { attrPath, ...(attrPos ? { attrPos } : {}) } : {};
}
