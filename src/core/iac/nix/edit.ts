/**
 * Writes a new VM into hosts.nix as the fleet writes hosts by hand: a host attribute set with a `proxmox`
 * set, inserted before the closing `}` of the file's top-level set, in the file's own indentation and with
 * the blank line between hosts that the file uses.
 */
import type { TextEdit } from '../../validate/api';
import { NixSource } from './source';

export interface NewNixHost {
  /** Attribute name of the host (also its `hostname` unless given). */
  readonly name: string;
  readonly vmid: number;
  readonly cores?: number;
  /** MB. */
  readonly memory?: number;
  /** Like "64G". */
  readonly disk?: string;
  readonly storage?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly readonly?: boolean;
  readonly hostname?: string;
  /** More host-level attributes (user, sshAlias …), written before `proxmox`. */
  readonly hostAttributes?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** More `proxmox` attributes (bios, cpuType …). */
  readonly proxmoxAttributes?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

function nixName(name: string): string {
  return PLAIN_NAME.test(name) && !KEYWORDS.has(name) ? name : nixString(name);
}

function nixString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${').replace(/\n/g, '\\n')}"`;
}

function nixValue(v: string | number | boolean | readonly string[]): string {
  if (typeof v === 'string') return nixString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${v} cannot be written to a Nix file.`);
    return String(v);
  }
  return `[${v.map(nixString).join(' ')}]`;
}

/** The edit that inserts the host; throws with a clear message when the file has no top-level set to add to. */
export function addHostEdit(text: string, host: NewNixHost): TextEdit {
  if (!host.name.trim()) throw new Error('The new host needs a name.');
  if (!Number.isInteger(host.vmid)) throw new Error(`VMID ${host.vmid} is not a whole number.`);
  const src = new NixSource(text);
  const close = src.finalClosingBrace();
  if (close === undefined) {
    throw new Error('hosts.nix has no closing } of a top-level attribute set (or its brackets do not balance), so the new host cannot be added automatically. Fix the file or add the host by hand.');
  }
  const lineStart = text.lastIndexOf('\n', close - 1) + 1;
  const closeIndent = text.slice(lineStart, close);
  const braceOnOwnLine = /^[ \t]*$/.test(closeIndent);

  // Indentation of the hosts: the last non-blank line before the closing brace (usually the previous
  // host's `};`); one level deeper than the brace when that says nothing.
  const before = text.slice(0, braceOnOwnLine ? lineStart : close);
  const lastLine = before.trimEnd().split('\n').pop() ?? '';
  const braceIndent = braceOnOwnLine ? closeIndent : '';
  let indent = /^[ \t]*/.exec(lastLine)![0];
  if (indent.length <= braceIndent.length || before.trimEnd().endsWith('{')) indent = braceIndent + (braceIndent.includes('\t') ? '\t' : '  ');
  const unit = indent.startsWith('\t') ? '\t' : indent.length > braceIndent.length ? indent.slice(braceIndent.length) : '  ';
  const i1 = indent + unit;
  const i2 = i1 + unit;

  const hostLines: string[] = [`${i1}hostname = ${nixString(host.hostname ?? host.name)};`];
  for (const [k, v] of Object.entries(host.hostAttributes ?? {})) hostLines.push(`${i1}${nixName(k)} = ${nixValue(v)};`);
  const pm: [string, string | number | boolean | readonly string[] | undefined][] = [
    ['vmid', host.vmid],
    ['cores', host.cores],
    ['memory', host.memory],
    ['disk', host.disk],
    ['storage', host.storage],
    ['tags', host.tags],
    ['description', host.description],
    ...Object.entries(host.proxmoxAttributes ?? {}),
    ['readonly', host.readonly],
  ];
  const pmLines = pm.filter(([, v]) => v !== undefined).map(([k, v]) => `${i2}${nixName(k)} = ${nixValue(v!)};`);
  const block = [`${indent}${nixName(host.name)} = {`, ...hostLines, `${i1}proxmox = {`, ...pmLines, `${i1}};`, `${indent}};`];

  // Keep the file's habit of a blank line between hosts.
  const separated = /\n[ \t]*\n[ \t]*[A-Za-z_"][^\n]*=\s*\{/.test(text);
  const blank = separated && !before.trimEnd().endsWith('{') ? '\n' : '';
  const pos = src.index.positionAt(braceOnOwnLine ? lineStart : close);
  const newText = braceOnOwnLine ? `${blank}${block.join('\n')}\n` : `\n${blank}${block.join('\n')}\n${braceIndent}`;
  return { range: { start: pos, end: pos }, newText };
}

/** The file's text with the new host added. */
export function addHostToHostsNix(text: string, host: NewNixHost): string {
  const edit = addHostEdit(text, host);
  const src = new NixSource(text);
  const at = src.index.offsetAt(edit.range.start);
  return text.slice(0, at) + edit.newText + text.slice(at);
}
