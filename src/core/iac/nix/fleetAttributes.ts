/** The attributes the fleet files know, with their types, and how a value's type is named in a message. */
import { isNixFunctionMarker } from './wrapper';
import { isObj } from './fleet';
import type { JsonValue } from './partialJson';

export type Kind = 'string' | 'int' | 'bool' | 'strings' | 'list' | 'attrs' | 'list-or-attrs';

/** Known attributes of a host's `proxmox` set (from the fleet's Terranix module usage) and their types. */
export const HOST_PROXMOX_KEYS: Readonly<Record<string, Kind>> = {
  vmid: 'int',
  cores: 'int',
  sockets: 'int',
  memory: 'int',
  disk: 'string',
  name: 'string',
  storage: 'string',
  bios: 'string',
  cpuType: 'string',
  machine: 'string',
  diskInterface: 'string',
  cloneFromTemplate: 'bool',
  ignoreInit: 'bool',
  tags: 'strings',
  ignoreChangesExtra: 'strings',
  description: 'string',
  // A list of mappings today; one `{ mapping = …; }` set in February 2026 (the module read `pve.virtiofs.mapping`).
  virtiofs: 'list-or-attrs',
  readonly: 'bool',
  onBoot: 'bool',
  started: 'bool',
  bridge: 'string',
  vlan: 'int',
  macAddress: 'string',
  ipAddress: 'string',
  gateway: 'string',
  hostpci: 'list',
  usb: 'list',
};

export const SETTINGS_KEYS: Readonly<Record<string, Kind>> = {
  host: 'string',
  node: 'string',
  user: 'string',
  defaultStorage: 'string',
  templateVmid: 'int',
  port: 'int',
  tokenId: 'string',
  insecure: 'bool',
};

export const KIND_WORDS: Readonly<Record<Kind, string>> = {
  string: 'a string',
  int: 'a whole number',
  bool: 'true or false',
  strings: 'a list of strings',
  list: 'a list',
  attrs: 'an attribute set',
  'list-or-attrs': 'a list or an attribute set',
};

export function kindOf(v: JsonValue | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isNixFunctionMarker(v)) return 'a function';
  if (typeof v === 'object') return 'an attribute set';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the float ${v}`;
  if (typeof v === 'boolean') return String(v);
  return 'nothing';
}

export function hasKind(v: JsonValue | undefined, k: Kind): boolean {
  switch (k) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'list':
      return Array.isArray(v);
    case 'attrs':
      return isObj(v);
    case 'list-or-attrs':
      return Array.isArray(v) || isObj(v);
  }
}
