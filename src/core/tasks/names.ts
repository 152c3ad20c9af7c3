/**
 * Names that reach a command line as arguments: manifest and node names, hosts, resource addresses, VMIDs.
 * Tasks pass them as argv entries (never through a shell), so a hostile name cannot run a command; this check
 * is the second wall: a name outside these shapes gets no lens and no task at all, so it cannot turn into an
 * option (`--yes`, `-auto-approve`) or a surprising argument either.
 */

/** Letters, digits, `.`, `_` and `-`, not starting with `-` or `.`; 1–128 characters. Manifest, node and host names. */
const SIMPLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * A Terraform resource address: `type.name`, with optional `module.x.` prefixes and an index (`[0]`,
 * `["key"]`), as `-target=` takes it. No spaces, quotes other than inside the index, or shell characters.
 */
const RESOURCE_ADDRESS = /^(?:module\.[A-Za-z_][A-Za-z0-9_-]*(?:\[(?:\d+|"[A-Za-z0-9._-]+")\])?\.)*(?:data\.)?[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*(?:\[(?:\d+|"[A-Za-z0-9._-]+")\])?$/;

export function isSafeName(name: string): boolean {
  return SIMPLE_NAME.test(name);
}

export function isSafeResourceAddress(address: string): boolean {
  return address.length <= 512 && RESOURCE_ADDRESS.test(address);
}

/** Why `name` cannot be used, as the end of a sentence; undefined when it can. */
export function unsafeNameReason(name: string): string | undefined {
  if (isSafeName(name)) return undefined;
  if (name.length === 0) return 'it is empty';
  if (name.length > 128) return 'it is longer than 128 characters';
  if (/^[-.]/.test(name)) return `it starts with "${name[0]}" and would read as an option or a hidden path`;
  return 'it contains characters other than letters, digits, ".", "_" and "-"';
}
