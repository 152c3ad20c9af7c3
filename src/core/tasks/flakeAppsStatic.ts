/**
 * A flake's app names read from its files without evaluating anything, for flakes Nix cannot list without
 * their inputs (flake-parts modules, `import nixpkgs { … }` around the apps). Bounded: `flake.nix` and the
 * `.nix` files it refers to by relative path (a folder counts as its `default.nix`), inside the flake's folder
 * only, at most 24 files of at most 256 KiB each (1 MiB in all), three references deep.
 *
 * Recognised, wherever they sit in those files: `apps.NAME = …`, `apps.SYSTEM.NAME = …` (SYSTEM a system
 * name or `${…}`), and `apps = { NAME = …; inherit (x) NAME; … }`, also per system and behind a function
 * (`apps = forAllSystems (system: let … in { NAME = …; })`). Names built at evaluation time are not seen.
 */
import { realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { readBoundedText } from '../fs/boundedRead';

type Token = { readonly t: 'id' | 'str' | 'interp' | 'path' | 'punct'; readonly v?: string };

const SYSTEM = /^(x86_64|aarch64|i686|armv[67]l|riscv64|powerpc64le)-(linux|darwin)$/;
const MAX_FILES = 24;
const MAX_DEPTH = 3;
/** Flake files are a few KB; these bound the reader's time on hostile ones (it runs in the extension host). */
const MAX_FILE_BYTES = 256 * 1024;
const MAX_TOTAL_BYTES = 1024 * 1024;
/** Tokens one `apps` value is searched through, and `apps` bindings looked at per file. */
const MAX_SCAN = 20_000;
const MAX_APPS_BINDINGS = 200;
const PATH = /\.{0,2}(?:\/[\w.+-]+)+/y;
const IDENT = /[A-Za-z_][\w'-]*/y;

/** Nix's tokens, simplified: strings keep their text only when they have no interpolation; comments go. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  // Sticky expressions match at an offset without copying the rest of a 2 MiB text for each token.
  const match = (re: RegExp, at: number): string | undefined => {
    re.lastIndex = at;
    return re.exec(src)?.[0];
  };
  const skipBalanced = (from: number): number => {
    // From just after `${`: to just after the matching `}` (strings inside are skipped as text).
    let depth = 1;
    let k = from;
    while (k < src.length && depth > 0) {
      const c = src[k];
      if (c === '"') k = skipString(k + 1);
      else {
        if (c === '{') depth++;
        else if (c === '}') depth--;
        k++;
      }
    }
    return k;
  };
  const skipString = (from: number): number => {
    let k = from;
    while (k < src.length && src[k] !== '"') {
      if (src[k] === '\\') k += 2;
      else if (src.startsWith('${', k)) k = skipBalanced(k + 2);
      else k++;
    }
    return k + 1;
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) i++;
    else if (c === '#') i = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
    else if (src.startsWith('/*', i)) i = src.indexOf('*/', i + 2) < 0 ? src.length : src.indexOf('*/', i + 2) + 2;
    else if (c === '"') {
      const end = skipString(i + 1);
      const body = src.slice(i + 1, end - 1);
      out.push({ t: 'str', ...(body.includes('${') || body.includes('\\') ? {} : { v: body }) });
      i = end;
    } else if (src.startsWith("''", i)) {
      let k = i + 2;
      while (k < src.length && !(src.startsWith("''", k) && !/['$\\]/.test(src[k + 2] ?? ''))) {
        if (src.startsWith("''", k)) k += 3;
        else if (src.startsWith('${', k)) k = skipBalanced(k + 2);
        else k++;
      }
      out.push({ t: 'str' });
      i = k + 2;
    } else if (src.startsWith('${', i)) {
      i = skipBalanced(i + 2);
      out.push({ t: 'interp' });
    } else if ((c === '.' || c === '/') && match(PATH, i)) {
      const m = match(PATH, i)!;
      out.push({ t: 'path', v: m });
      i += m.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = match(IDENT, i)!;
      out.push({ t: 'id', v: m });
      i += m.length;
    } else if (src.startsWith('//', i) || src.startsWith('==', i)) {
      out.push({ t: 'punct', v: src.slice(i, i + 2) });
      i += 2;
    } else {
      out.push({ t: 'punct', v: c });
      i++;
    }
  }
  return out;
}

const isPunct = (tok: Token | undefined, v: string): boolean => tok?.t === 'punct' && tok.v === v;
const nameOf = (tok: Token | undefined): string | undefined => (tok && (tok.t === 'id' || tok.t === 'str') ? tok.v : undefined);
const isSystemElem = (tok: Token): boolean => tok.t === 'interp' || SYSTEM.test(nameOf(tok) ?? '');

/** An attribute path `a.b."c".${d}` from `i`: its elements and the index after it. */
function attrPath(toks: readonly Token[], i: number): { path: Token[]; end: number } {
  const path: Token[] = [];
  let k = i;
  while (toks[k] && (toks[k].t === 'id' || toks[k].t === 'str' || toks[k].t === 'interp')) {
    path.push(toks[k]);
    if (!isPunct(toks[k + 1], '.')) return { path, end: k + 1 };
    k += 2;
  }
  return { path, end: k };
}

/** The index of the bracket that closes the one opened at `open`. */
function closing(toks: readonly Token[], open: number): number {
  let depth = 0;
  const limit = Math.min(toks.length, open + MAX_SCAN);
  for (let k = open; k < limit; k++) {
    if (isPunct(toks[k], '{') || isPunct(toks[k], '(') || isPunct(toks[k], '[')) depth++;
    else if ((isPunct(toks[k], '}') || isPunct(toks[k], ')') || isPunct(toks[k], ']')) && --depth === 0) return k;
  }
  return toks.length;
}

/** Tokens after which a `{` starts the value itself (not a function's argument set): `= {`, `x: {`, `in {`, `then {`, `// {`. */
function opensValue(before: Token | undefined): boolean {
  return isPunct(before, '=') || isPunct(before, ':') || isPunct(before, '(') || isPunct(before, '//') || (before?.t === 'id' && ['in', 'rec', 'then', 'else'].includes(before.v!));
}

/**
 * The index of the `{` that opens the attribute set a binding's value builds, or -1. Looks through function
 * applications and lambdas (`forAllSystems (system: { … })`), skips `let … in` (its bindings are not the
 * value's) and lambda argument sets (`{ pkgs, … }:`), and stops at the binding's `;`.
 */
function valueBlock(toks: readonly Token[], from: number): number {
  let depth = 0;
  // After a lambda's `:` its body must be the set itself (after any `let … in`): a set deeper inside an
  // application in the body (`system: listToAttrs (map (v: { name = …; }) …)`) is something else's argument.
  let lambdaBody = false;
  const limit = Math.min(toks.length, from + MAX_SCAN);
  for (let k = from; k < limit; k++) {
    const tok = toks[k];
    if (tok.t === 'id' && tok.v === 'let') {
      for (let lets = 1; lets > 0 && k + 1 < toks.length; ) {
        k++;
        if (toks[k].t === 'id' && toks[k].v === 'let') lets++;
        else if (toks[k].t === 'id' && toks[k].v === 'in') lets--;
      }
      continue;
    }
    if (isPunct(tok, '{')) {
      const close = closing(toks, k);
      if (isPunct(toks[close + 1], ':') || isPunct(toks[close + 1], '@')) {
        k = close;
        continue;
      }
      if (opensValue(toks[k - 1])) return k;
      if (lambdaBody) return -1;
      k = close;
    } else if (lambdaBody && !isPunct(tok, ':')) return -1;
    else if (isPunct(tok, ':')) lambdaBody = true;
    else if (isPunct(tok, '(') || isPunct(tok, '[')) depth++;
    else if (isPunct(tok, ')') || isPunct(tok, ']') || isPunct(tok, '}')) {
      if (--depth < 0) return -1;
    } else if (isPunct(tok, ';') && depth <= 0) return -1;
  }
  return -1;
}

/** Names bound directly in the set opened at `open` (`NAME = …;`, `inherit (x) NAME …;`), with where each value starts. */
function blockBindings(toks: readonly Token[], open: number): { path: Token[]; value: number }[] {
  const out: { path: Token[]; value: number }[] = [];
  let depth = 0;
  const limit = Math.min(toks.length, open + MAX_SCAN);
  for (let k = open; k < limit; k++) {
    const tok = toks[k];
    if (isPunct(tok, '{') || isPunct(tok, '(') || isPunct(tok, '[')) depth++;
    else if (isPunct(tok, '}') || isPunct(tok, ')') || isPunct(tok, ']')) {
      if (--depth === 0) break;
    } else if (depth === 1 && (isPunct(toks[k - 1], '{') || isPunct(toks[k - 1], ';'))) {
      if (tok.t === 'id' && tok.v === 'inherit') {
        let j = k + 1;
        if (isPunct(toks[j], '(')) j = closing(toks, j) + 1;
        for (; j < toks.length && !isPunct(toks[j], ';'); j++) out.push({ path: [toks[j]], value: -1 });
      } else {
        const { path, end } = attrPath(toks, k);
        if (path.length && isPunct(toks[end], '=')) out.push({ path, value: end + 1 });
      }
    }
  }
  return out;
}

/** App names one file's text declares. */
export function appNamesInText(src: string): string[] {
  const toks = tokenize(src);
  const names = new Set<string>();
  let bindings = 0;
  const add = (tok: Token | undefined) => {
    const n = nameOf(tok);
    if (n) names.add(n);
  };
  for (let i = 0; i < toks.length; i++) {
    if (!(isPunct(toks[i - 1], '{') || isPunct(toks[i - 1], ';') || (toks[i - 1]?.t === 'id' && toks[i - 1].v === 'let'))) continue;
    const { path, end } = attrPath(toks, i);
    if (path.length === 0 || !isPunct(toks[end], '=')) continue;
    const at = path.findIndex((p) => nameOf(p) === 'apps');
    if (at < 0 || ++bindings > MAX_APPS_BINDINGS) continue;
    let rest = path.slice(at + 1);
    if (rest[0] && isSystemElem(rest[0])) rest = rest.slice(1);
    if (rest.length) {
      add(rest[0]);
      continue;
    }
    const open = valueBlock(toks, end + 1);
    if (open < 0) continue;
    const inner = blockBindings(toks, open);
    // `apps = { x86_64-linux = { … }; }` or `{ x86_64-linux.NAME = …; }`: the names are one level down.
    if (inner.length && inner.every((b) => isSystemElem(b.path[0]))) {
      for (const b of inner) {
        if (b.path.length > 1) add(b.path[1]);
        const sub = b.path.length === 1 && b.value >= 0 ? valueBlock(toks, b.value) : -1;
        if (sub >= 0) for (const x of blockBindings(toks, sub)) add(x.path[0]);
      }
    } else for (const b of inner) add(b.path[0]);
  }
  return [...names];
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** App names in `<dir>/flake.nix` and the local `.nix` files it refers to; [] when none are found. */
export async function listFlakeAppsStatically(dir: string): Promise<string[]> {
  const root = await realpath(dir).catch(() => resolve(dir));
  const seen = new Set<string>();
  const names = new Set<string>();
  const queue: { file: string; depth: number }[] = [{ file: join(root, 'flake.nix'), depth: 0 }];
  let total = 0;
  while (queue.length && seen.size < MAX_FILES && total < MAX_TOTAL_BYTES) {
    const { file, depth } = queue.shift()!;
    const real = await realpath(file).catch(() => undefined);
    if (!real || seen.has(real) || !inside(root, real)) continue;
    seen.add(real);
    const text = await readBoundedText(real, MAX_FILE_BYTES);
    if (text === undefined) continue;
    total += text.length;
    for (const n of appNamesInText(text)) names.add(n);
    if (depth >= MAX_DEPTH) continue;
    for (const tok of tokenize(text)) {
      if (tok.t !== 'path' || !tok.v || !/^\.\.?\//.test(tok.v)) continue;
      const target = resolve(dirname(real), tok.v);
      const st = await stat(target).catch(() => undefined);
      if (st?.isDirectory()) queue.push({ file: join(target, 'default.nix'), depth: depth + 1 });
      else if (st?.isFile() && target.endsWith('.nix')) queue.push({ file: target, depth: depth + 1 });
    }
  }
  return [...names].sort();
}
