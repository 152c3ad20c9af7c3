/**
 * "Add to talos nodes.yaml": a new entry in the onedr0p-style cluster template's `nodes:` list with the fields
 * it requires (name, address, controller, disk, mac_addr, schematic_id) and the VM sizing keys. A block list
 * gets the entry's lines after its last item; the sample's empty `nodes: []` (followed by its long comment
 * block) has just the `[]` replaced, so every comment stays where it was.
 */
import { Document, isMap, isSeq, parseDocument, YAMLMap } from 'yaml';

export interface NewTalosNode {
  readonly name: string;
  readonly address: string;
  readonly controller: boolean;
  readonly disk: string;
  readonly macAddr: string;
  readonly schematicId: string;
  readonly vmId?: number;
  readonly vmCores?: number;
  readonly vmMemory?: number;
  /** GB, 32–4096. */
  readonly vmDiskSize?: number;
}

/** The schematic id the file's nodes already use (they normally share one), to offer as the default. */
export function existingSchematicId(text: string): string | undefined {
  const nodes = parseDocument(text).get('nodes');
  if (!isSeq(nodes)) return undefined;
  for (const n of nodes.items) {
    const id = isMap(n) ? n.get('schematic_id') : undefined;
    if (typeof id === 'string' && /^[a-z0-9]{64}$/.test(id)) return id;
  }
  return undefined;
}

export function addTalosNode(text: string, node: NewTalosNode): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`nodes.yaml has YAML errors (${doc.errors[0].message.split('\n')[0]}); fix them before adding a node.`);
  const nodes = doc.get('nodes', true);
  if (!isSeq(nodes) || !nodes.range) throw new Error('nodes.yaml has no `nodes:` list to add the node to.');
  if (nodes.items.some((n) => isMap(n) && n.get('name') === node.name)) throw new Error(`nodes.yaml already has a node named "${node.name}".`);
  const map = new YAMLMap();
  const entries: [string, string | number | boolean | undefined][] = [
    ['name', node.name],
    ['address', node.address],
    ['controller', node.controller],
    ['disk', node.disk],
    ['mac_addr', node.macAddr],
    ['schematic_id', node.schematicId],
    ['vm_id', node.vmId],
    ['vm_cores', node.vmCores],
    ['vm_memory', node.vmMemory],
    ['vm_disk_size', node.vmDiskSize],
  ];
  for (const [k, v] of entries) if (v !== undefined) map.set(k, v);
  const body = new Document(map).toString({ lineWidth: 0 }).trimEnd().split('\n');
  const [start, valueEnd, end] = nodes.range;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const before = text.slice(lineStart, start);
  if (nodes.flow) {
    if (nodes.items.length) throw new Error('nodes.yaml writes `nodes:` as a one-line [ … ] list; add the node by hand.');
    // `nodes:\n  []` → the entry where the brackets were; `nodes: []` → the entry on the next line.
    const onOwnLine = /^[ \t]*$/.test(before);
    const indent = onOwnLine ? before : `${/^[ \t]*/.exec(before)![0]}  `;
    const lines = body.map((l, i) => (i === 0 ? `- ${l}` : `${indent}  ${l}`));
    const lead = onOwnLine ? '' : `\n${indent}`;
    return `${text.slice(0, onOwnLine ? start : start - (before.endsWith(' ') ? 1 : 0))}${lead}${lines.join('\n')}${text.slice(valueEnd)}`;
  }
  const indent = ' '.repeat(start - lineStart);
  const lines = body.map((l, i) => (i === 0 ? `${indent}- ${l}` : `${indent}  ${l}`));
  const lead = end > 0 && text[end - 1] !== '\n' ? '\n' : '';
  return `${text.slice(0, end)}${lead}${lines.join('\n')}\n${text.slice(end)}`;
}
