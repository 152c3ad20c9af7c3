import { isSafeName } from './names';

/**
 * Where seed 000's hosts.nix lenses go, from its text alone (no evaluation): each top-level host whose set
 * has a `proxmox` attribute ("Plan this host" · "Apply") and the `_proxmox` set ("Build template"). Comments
 * and strings are blanked first so that a `{` or `proxmox =` inside them counts for nothing.
 */

export interface HostsNixTarget {
  readonly kind: 'host' | 'template';
  /** The host's attribute name (`_proxmox` for the template settings). */
  readonly name: string;
  /** 0-based line of the attribute. */
  readonly line: number;
}

/** Comments and string contents replaced by spaces, line breaks kept, so offsets and lines still match. */
function blank(text: string): string {
  let out = '';
  let i = 0;
  const keep = (s: string) => s.replace(/[^\n]/g, ' ');
  while (i < text.length) {
    const c = text[i];
    if (c === '#') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += keep(text.slice(i, stop));
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += keep(text.slice(i, stop));
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += '"' + keep(text.slice(i + 1, j)) + '"';
      i = j + 1;
    } else if (c === "'" && text[i + 1] === "'") {
      const end = text.indexOf("''", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += keep(text.slice(i, stop));
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const ATTR = /([A-Za-z_][A-Za-z0-9_'-]*)\s*=\s*\{/y;

export function hostsNixTargets(text: string): HostsNixTarget[] {
  const src = blank(text);
  // The body: the set after a top-level `let … in`, else the file's first set.
  const letIn = /^\s*let\b[\s\S]*?\bin\s*\{/.exec(src);
  const bodyOpen = letIn ? letIn[0].length - 1 : src.indexOf('{');
  if (bodyOpen < 0) return [];
  const lineAt = (offset: number) => src.slice(0, offset).split('\n').length - 1;
  const out: HostsNixTarget[] = [];
  let depth = 0;
  let current: { name: string; line: number; depth: number; hasProxmox: boolean } | undefined;
  for (let i = bodyOpen; i < src.length; i++) {
    const c = src[i];
    if (c === '{') {
      depth++;
      continue;
    }
    if (c === '}') {
      if (current && depth === current.depth) {
        if (current.name === '_proxmox') out.push({ kind: 'template', name: current.name, line: current.line });
        else if (current.hasProxmox && isSafeName(current.name)) out.push({ kind: 'host', name: current.name, line: current.line });
        current = undefined;
      }
      depth--;
      if (depth === 0) break;
      continue;
    }
    if (depth === 1 && !current && /[A-Za-z_]/.test(c) && !/[A-Za-z0-9_'-]/.test(src[i - 1] ?? ' ')) {
      ATTR.lastIndex = i;
      const m = ATTR.exec(src);
      if (m) {
        current = { name: m[1], line: lineAt(i), depth: 2, hasProxmox: false };
        i += m[0].length - 2;
      }
      continue;
    }
    if (current && depth === 2 && src.startsWith('proxmox', i) && !/[A-Za-z0-9_'-]/.test(src[i - 1]) && /^proxmox\s*=/.test(src.slice(i, i + 40))) current.hasProxmox = true;
  }
  return out;
}
