/**
 * "Add to manifest": a new node in an iac-driver v2 manifest (`nodes:` list), under a chosen parent, with
 * preset / spec / image / vmid. yaml's Document API finds where the `nodes:` list ends (after its trailing
 * comments) and renders the new node; the node's lines are inserted there as text, so every byte of the file
 * (comments, blank lines between nodes, quoting) stays as it was.
 */
import { Document, isMap, isSeq, parseDocument, YAMLMap } from 'yaml';
import type { TextEdit } from '../../validate/api';
import { minimalEdit } from './textEdit';

export interface NewManifestNode {
  readonly name: string;
  readonly type?: 'vm' | 'ct' | 'pve';
  readonly spec?: string;
  readonly preset?: string;
  readonly image?: string;
  readonly vmid: number;
  /** GB; only when no preset gives the size or it overrides it. */
  readonly disk?: number;
  /** Name of the node it is deployed on; omitted: a root node on the target host. */
  readonly parent?: string;
}

/** Names of the manifest's nodes, to offer as parents. */
export function manifestNodeNames(text: string): string[] {
  const doc = parseDocument(text);
  const nodes = doc.get('nodes');
  if (!isSeq(nodes)) return [];
  return nodes.items.map((n) => (isMap(n) ? n.get('name') : undefined)).filter((n): n is string => typeof n === 'string');
}

export function addManifestNode(text: string, node: NewManifestNode): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`The manifest has YAML errors (${doc.errors[0].message.split('\n')[0]}); fix them before adding a node.`);
  const nodes = doc.get('nodes', true);
  if (!isSeq(nodes)) throw new Error('The manifest has no `nodes:` list (a schema_version 2 manifest); add the node by hand or convert the manifest first.');
  const names = manifestNodeNames(text);
  if (names.includes(node.name)) throw new Error(`The manifest already has a node named "${node.name}".`);
  if (node.parent !== undefined && !names.includes(node.parent)) throw new Error(`The manifest has no node "${node.parent}" to be the parent.`);
  const map = new YAMLMap();
  const entries: [string, string | number | undefined][] = [
    ['name', node.name],
    ['type', node.type ?? 'vm'],
    ['spec', node.spec],
    ['preset', node.preset],
    ['image', node.image],
    ['vmid', node.vmid],
    ['disk', node.disk],
    ['parent', node.parent],
  ];
  for (const [k, v] of entries) if (v !== undefined) map.set(k, v);
  // Keep the file's habit of a blank line between nodes.
  const spaced = nodes.items.slice(1).some((n) => isMap(n) && n.spaceBefore);
  const range = nodes.range;
  if (nodes.flow || !nodes.items.length || !range) {
    // `nodes: []` has no block to extend: the list is rewritten as a block list.
    nodes.flow = false;
    nodes.items.push(map);
    return doc.toString({ lineWidth: 0 });
  }
  const start = range[0];
  const indent = ' '.repeat(start - text.lastIndexOf('\n', start - 1) - 1);
  const body = new Document(map).toString({ lineWidth: 0 }).trimEnd().split('\n');
  const lines = body.map((l, i) => (i === 0 ? `${indent}- ${l}` : `${indent}  ${l}`));
  const at = range[2];
  const lead = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return `${text.slice(0, at)}${lead}${spaced ? '\n' : ''}${lines.join('\n')}\n${text.slice(at)}`;
}

export function addManifestNodeEdit(text: string, node: NewManifestNode): TextEdit {
  return minimalEdit(text, addManifestNode(text, node));
}
