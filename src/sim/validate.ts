/**
 * Parameter verification as pve-common's PVE::JSONSchema does it for API calls, with its error texts:
 * form values arrive as strings; booleans must be 0/1; integers and numbers are checked by regex and range;
 * strings by length, enum, anchored pattern and named or property-string format; unknown parameters are
 * refused when additionalProperties is 0; missing required ones are named.
 */

export interface PveSchema {
  type?: string;
  optional?: number | boolean;
  enum?: string[];
  pattern?: string;
  format?: string | Record<string, PveSchema>;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default_key?: number;
  alias?: string;
  /** With `alias`: the key itself is the value of this other key (`virtio=MAC` sets model=virtio). */
  keyAlias?: string;
  requires?: string;
  properties?: Record<string, PveSchema>;
  additionalProperties?: number | boolean | PveSchema;
  items?: PveSchema;
}

export type Value = string | number | boolean;
export type Errors = Record<string, string>;

const NODE_RE = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

/** Named formats (JSONSchema.pm register_format) the simulator checks; others are accepted as PVE would mostly do. */
const FORMATS: Record<string, (v: string) => string | undefined> = {
  'pve-node': (v) => (NODE_RE.test(v) ? undefined : 'value does not look like a valid node name'),
  'pve-vmid': (v) => (/^[1-9][0-9]{2,8}$/.test(v) ? undefined : 'value does not look like a valid VM ID'),
  'pve-configid': (v) => (/^[a-z][a-z0-9_-]+$/i.test(v) ? undefined : `invalid configuration ID '${v}'`),
  'pve-storage-id': (v) => (/^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v) ? undefined : `storage ID '${v}' contains illegal characters`),
  'pve-poolid': (v) => (/^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(v) ? undefined : `pool name '${v}' contains illegal characters`),
  'pve-tag': (v) => (/^[a-z0-9_][a-z0-9_\-+.]*$/i.test(v) ? undefined : `invalid tag '${v}'`),
  'dns-name': (v) =>
    /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)\.)*(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)$/.test(v) ? undefined : `value '${v}' does not look like a valid DNS name`,
  'pve-userid': (v) => (/^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+$/.test(v) ? undefined : `value '${v}' does not look like a valid user name`),
  'pve-realm': (v) => (/^[A-Za-z][A-Za-z0-9.\-_]+$/.test(v) ? undefined : `value '${v}' does not look like a valid realm name`),
  'mac-addr': (v) => (/^[0-9a-f][02468ace](?::[0-9a-f]{2}){5}$/i.test(v) ? undefined : `value '${v}' does not look like a valid unicast MAC address`),
  ipv4: (v) => (/^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/.test(v) ? undefined : `value '${v}' is not a valid IPv4 address`),
};

function formatError(format: string, value: string): string | undefined {
  if (format.endsWith('-list')) {
    const base = format.slice(0, -5);
    const check = FORMATS[base];
    if (!check) return undefined;
    for (const item of value.split(/[,; ]+/)) {
      if (item === '') continue;
      const e = check(item);
      if (e) return e;
    }
    return undefined;
  }
  return FORMATS[format]?.(value);
}

const patternCache = new Map<string, RegExp | null>();

/** PVE patterns are Perl regexes matched whole; the few JS cannot compile are not checked (null). */
function anchored(pattern: string): { test(v: string): boolean } | undefined {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    patternCache.set(pattern, re);
  }
  return re ?? { test: () => true };
}

function isOptional(s: PveSchema): boolean {
  return s.optional === 1 || s.optional === true;
}

/** Checks one scalar. Returns the PVE error text or undefined. */
export function checkValue(schema: PveSchema, raw: Value, inPropertyString = false): string | undefined {
  const type = schema.type ?? 'string';
  // JSON bodies may carry real booleans/numbers; Perl sees them as 1/0 and numbers.
  const value = typeof raw === 'boolean' ? (raw ? '1' : '0') : String(raw);
  if (type === 'boolean') {
    // Parameters take only 0/1; inside property strings parse_boolean also knows on/off, yes/no, true/false.
    const ok = inPropertyString ? /^(?:1|on|yes|true|0|off|no|false)$/i.test(value) : value === '0' || value === '1';
    if (!ok) return `type check ('boolean') failed - got '${value}'`;
    return undefined;
  }
  if (type === 'integer' || type === 'number') {
    const re = type === 'integer' ? /^[+-]?\d+$/ : /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
    if (!re.test(value)) return `type check ('${type}') failed - got '${value}'`;
    const n = Number(value);
    if (schema.minimum !== undefined && n < schema.minimum) return `value must have a minimum value of ${schema.minimum}`;
    if (schema.maximum !== undefined && n > schema.maximum) return `value must have a maximum value of ${schema.maximum}`;
    if (schema.enum && !schema.enum.map(String).includes(value)) return `value '${value}' does not have a value in the enumeration '${schema.enum.join(', ')}'`;
    return undefined;
  }
  if (type === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return `value may only be ${schema.maxLength} characters long`;
    if (schema.minLength !== undefined && value.length < schema.minLength) return `value must be at least ${schema.minLength} characters long`;
    if (schema.pattern !== undefined && !anchored(schema.pattern)?.test(value)) return 'value does not match the regex pattern';
    if (schema.enum && !schema.enum.includes(value)) return `value '${value}' does not have a value in the enumeration '${schema.enum.join(', ')}'`;
    if (typeof schema.format === 'string') {
      const e = formatError(schema.format, value);
      if (e) return `invalid format - ${e}`;
    } else if (schema.format && typeof schema.format === 'object') {
      const e = checkPropertyString(schema.format, value);
      if (e) return `invalid format - ${e}`;
    }
    return undefined;
  }
  // 'array'/'object' parameters do not occur in the calls the simulator serves.
  return undefined;
}

/** `key=value,key2=value2` with an optional default key (JSONSchema.pm parse_property_string + check_object). */
export function checkPropertyString(format: Record<string, PveSchema>, value: string): string | undefined {
  const defaultKey = Object.entries(format).find(([, s]) => s.default_key)?.[0];
  const seen = new Set<string>();
  for (const part of value.split(',')) {
    if (part === '') continue;
    let key: string;
    let v: string;
    const eq = part.indexOf('=');
    if (eq >= 0) {
      key = part.slice(0, eq);
      v = part.slice(eq + 1);
    } else if (defaultKey !== undefined && !seen.has(defaultKey)) {
      key = defaultKey;
      v = part;
    } else {
      return `value without key, but schema does not define a default key`;
    }
    let s = format[key];
    if (s?.alias) {
      if (s.keyAlias) {
        if (seen.has(s.keyAlias)) return `duplicate key in comma-separated list property: ${s.keyAlias}`;
        seen.add(s.keyAlias);
      }
      key = s.alias;
      s = format[key];
    }
    if (!s) return `invalid key in comma-separated list property: ${key}`;
    if (seen.has(key)) return `duplicate key in comma-separated list property: ${key}`;
    seen.add(key);
    const e = checkValue(s, v, true);
    if (e) return `format error\n${key}: ${e}`;
  }
  for (const [k, s] of Object.entries(format)) {
    if (!isOptional(s) && !seen.has(k) && !s.alias) return `format error\n${k}: property is missing and it is not optional`;
  }
  return undefined;
}

/**
 * The apidoc collapses indexed parameters (`net0` … `net31`) into one `net[n]` entry. Highest index per
 * name as qemu-server / pve-container define them; names not listed take any index.
 */
const MAX_INDEX: Record<string, number> = {
  net: 31, ipconfig: 31, scsi: 30, virtio: 15, sata: 5, ide: 3, serial: 3, parallel: 2, usb: 14, hostpci: 15, numa: 7, virtiofs: 9, unused: 255, mp: 255, dev: 255,
};

function indexedSchema(props: Record<string, PveSchema>, name: string): PveSchema | undefined {
  const m = /^([a-z]+)(\d+)$/.exec(name);
  if (!m) return undefined;
  const s = props[`${m[1]}[n]`];
  if (!s) return undefined;
  const max = MAX_INDEX[m[1]];
  return max === undefined || Number(m[2]) <= max ? s : undefined;
}

/** Validates an API call's merged parameters; returns the errors map (empty when valid). */
export function validateParameters(schema: PveSchema, params: Record<string, Value>): Errors {
  const errors: Errors = {};
  const props = schema.properties ?? {};
  for (const [name, s] of Object.entries(props)) {
    if (name.endsWith('[n]')) continue;
    if (!(name in params) && !isOptional(s)) errors[name] = 'property is missing and it is not optional';
  }
  const closed = schema.additionalProperties === 0 || schema.additionalProperties === false;
  for (const [name, value] of Object.entries(params)) {
    const s = props[name] ?? indexedSchema(props, name);
    if (!s) {
      if (closed) errors[name] = 'property is not defined in schema and the schema does not allow additional properties';
      continue;
    }
    const e = checkValue(s, value);
    if (e) errors[name] = e;
    if (s.requires !== undefined && !(s.requires in params)) errors[s.requires] = `missing property - '${name}' requires this property`;
  }
  return errors;
}
