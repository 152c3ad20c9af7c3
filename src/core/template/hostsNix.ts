/**
 * The `_proxmox` set of seed 000's hosts.nix, read from its text (no evaluation, so it works without Nix and
 * gives offsets for an edit): the node, host and storage the template goes to, and `templateVmid`, which the
 * build offers to update once a template exists.
 */
import { hostsNixTargets } from '../tasks/hostsNixTargets';

export interface ProxmoxBlock {
  readonly host?: string;
  readonly node?: string;
  readonly defaultStorage?: string;
  readonly templateVmid?: number;
  /** Offsets of the number after `templateVmid =`. */
  readonly templateVmidRange?: readonly [start: number, end: number];
  /** Offset of the set's closing `}`, and the indentation of its attributes. */
  readonly close: number;
  readonly indent: string;
}

export interface TextReplacement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function lineOffset(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset = text.indexOf('\n', offset) + 1;
  return offset;
}

/** The `_proxmox = { … }` set, or undefined when hosts.nix has none. */
export function readProxmoxBlock(text: string): ProxmoxBlock | undefined {
  const target = hostsNixTargets(text).find((t) => t.kind === 'template');
  if (!target) return undefined;
  const lineStart = lineOffset(text, target.line);
  const open = text.indexOf('{', text.indexOf('_proxmox', lineStart));
  if (open < 0) return undefined;
  // hostsNixTargets found a balanced set here; strings and comments in it are rare enough in `_proxmox` to count braces.
  let depth = 0;
  let close = -1;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0) return undefined;
  const body = text.slice(open + 1, close);
  const str = (name: string) => new RegExp(`(?:^|[\\s;{])${name}\\s*=\\s*"([^"\\\\$]*)"\\s*;`).exec(body)?.[1];
  const vmid = /(?:^|[\s;{])templateVmid\s*=\s*(\d+)\s*;/.exec(body);
  const indent = /\n([ \t]+)\S/.exec(body)?.[1] ?? '  ';
  const numberStart = vmid ? open + 1 + vmid.index + vmid[0].indexOf(vmid[1], vmid[0].indexOf('=')) : undefined;
  return {
    ...(str('host') !== undefined ? { host: str('host') } : {}),
    ...(str('node') !== undefined ? { node: str('node') } : {}),
    ...(str('defaultStorage') !== undefined ? { defaultStorage: str('defaultStorage') } : {}),
    ...(vmid && numberStart !== undefined ? { templateVmid: Number(vmid[1]), templateVmidRange: [numberStart, numberStart + vmid[1].length] as const } : {}),
    close,
    indent,
  };
}

/** The edit that makes `_proxmox.templateVmid` equal `vmid` (replacing the number, or adding the attribute); undefined when nothing is to change or there is no `_proxmox`. */
export function templateVmidEdit(text: string, vmid: number): TextReplacement | undefined {
  const block = readProxmoxBlock(text);
  if (!block || block.templateVmid === vmid) return undefined;
  if (block.templateVmidRange) return { start: block.templateVmidRange[0], end: block.templateVmidRange[1], text: String(vmid) };
  // Before the closing brace: on its own line, indented like the other attributes.
  const lineStart = text.lastIndexOf('\n', block.close - 1) + 1;
  const beforeClose = text.slice(lineStart, block.close);
  if (/^[ \t]*$/.test(beforeClose)) return { start: lineStart, end: lineStart, text: `${block.indent}templateVmid = ${vmid};\n` };
  return { start: block.close, end: block.close, text: `${/\s$/.test(text.slice(0, block.close)) ? '' : ' '}templateVmid = ${vmid}; ` };
}

/** `text` with the edit applied (for tests and previews). */
export function applyReplacement(text: string, r: TextReplacement): string {
  return text.slice(0, r.start) + r.text + text.slice(r.end);
}
