/** The Nix wrapper around a file's text: paths become strings, functions a marker, and every attribute's position is returned. */
import type { JsonValue } from './partialJson';

/** Depth of the position tree: hosts.nix needs host → proxmox → attr; definitions.nix imported → vm → specs → attr. */
const POS_DEPTH = 4;

/**
 * The wrapper, on one line so the user's text starts on line 2. Names are long and odd so that the user's
 * own code cannot pick them up by accident. `self` is the wrapper's own position record: its `file` names
 * stdin (Nix 2.8 puts the whole stdin text there, newer versions «stdin»), so comparing against it keeps
 * exactly the positions inside this file and drops those of imported files.
 */
const WRAPPER = [
  'let',
  '__proxmoxIacSelf = (builtins.unsafeGetAttrPos "x" { x = 0; }).file;',
  `__proxmoxIacPos = n: s: let p = builtins.unsafeGetAttrPos n s; in if p != null && p.file == __proxmoxIacSelf then [ (p.line - 1) p.column ] else null;`,
  '__proxmoxIacIsAttrs = x: let r = builtins.tryEval (builtins.isAttrs x); in r.success && r.value;',
  '__proxmoxIacTree = d: s: builtins.mapAttrs (n: x: { at = __proxmoxIacPos n s; sub = if d > 0 && __proxmoxIacIsAttrs x then __proxmoxIacTree (d - 1) x else null; }) s;',
  '__proxmoxIacConv = v: if builtins.isPath v then builtins.toString v else if builtins.isAttrs v then builtins.mapAttrs (n: x: __proxmoxIacConv x) v else if builtins.isList v then map __proxmoxIacConv v else if builtins.isFunction v then { __proxmoxIacFunction = true; } else v;',
  `__proxmoxIacRun = v: if __proxmoxIacIsAttrs v then { a = __proxmoxIacTree ${POS_DEPTH} v; b = __proxmoxIacConv v; k = "attrs"; } else { k = if builtins.isFunction v then "function" else builtins.typeOf v; };`,
  'in __proxmoxIacRun (',
].join(' ');

/** Lines the wrapper adds before the user's text. */
export const WRAPPER_LINES = 1;

export function wrapForEvaluation(text: string): string {
  return `${WRAPPER}\n${text}\n)\n`;
}

/** Marker the wrapper puts where the file has a function value. */
export function isNixFunctionMarker(v: JsonValue | undefined): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v['__proxmoxIacFunction'] === true;
}
