/**
 * talos-cluster cluster.yaml: the network rules of the template's CUE schema
 * (`.taskfiles/template/resources/cluster.schema.cue`), which `task configure` enforces before anything is
 * rendered, plus the mistakes it lets through that break the cluster later.
 *
 * An error is only what that consumer rejects: a CIDR or address `net.IPCIDR` / `net.IPv4` refuses
 * (`/33`, an octet over 255), and the `!=` constraints (node, pod and service CIDRs pairwise different;
 * the API and gateway addresses pairwise different). Everything else is a warning: an API or gateway
 * address outside `node_cidr` (the template's own note says to choose one inside it, but nothing checks),
 * and CIDRs that overlap without being the same string.
 */
import type { Issue } from './issues';
import { isRecord } from './siteConfig';

interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const CIDR_SHAPE = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,3}$/;

/** An IPv4 address as a 32-bit number, or a reason it is not one. */
export function parseIpv4(text: string): number | string {
  const m = IPV4.exec(text.trim());
  if (!m) return 'is not an IPv4 address (four numbers separated by dots)';
  const octets = m.slice(1).map(Number);
  const bad = octets.find((o) => o > 255);
  if (bad !== undefined) return `has the part ${bad}; each of the four parts is 0–255`;
  return ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
}

/** An IPv4 CIDR, or a reason it is not one. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  if (slash < 0) return 'has no prefix length (e.g. /24)';
  const ip = parseIpv4(text.slice(0, slash));
  if (typeof ip === 'string') return ip;
  const p = text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(p)) return 'has no numeric prefix length after the /';
  const prefix = Number(p);
  if (prefix > 32) return `has the prefix length /${prefix}; an IPv4 prefix is /0 to /32`;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ip & mask) >>> 0, prefix };
}

function contains(c: Cidr, ip: number): boolean {
  const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
  return ((ip & mask) >>> 0) === c.base;
}

function overlap(a: Cidr, b: Cidr): boolean {
  return a.prefix <= b.prefix ? contains(a, b.base) : contains(b, a.base);
}

const CIDR_KEYS = ['node_cidr', 'cluster_pod_cidr', 'cluster_svc_cidr', 'cilium_lb_pool_cidr'] as const;
/** Keys the CUE schema types `net.IPv4`; the first four are "an unused IP in node_cidr" in the template's notes. */
const IN_NODE_CIDR = ['cluster_api_addr', 'cluster_gateway_addr', 'cluster_dns_gateway_addr', 'cloudflare_gateway_addr'] as const;
const ADDRESS_KEYS = [...IN_NODE_CIDR, 'node_default_gateway', 'cilium_bgp_router_addr'] as const;
/** The CUE defaults of the pod and service networks, used when the key is absent. */
const DEFAULT_CIDR: Partial<Record<string, string>> = { cluster_pod_cidr: '10.42.0.0/16', cluster_svc_cidr: '10.43.0.0/16' };
/** Pairs the CUE schema forbids to be equal (`!=`). */
const DIFFERENT: readonly (readonly [string, string])[] = [
  ['node_cidr', 'cluster_pod_cidr'],
  ['node_cidr', 'cluster_svc_cidr'],
  ['cluster_pod_cidr', 'cluster_svc_cidr'],
  ['cluster_gateway_addr', 'cluster_api_addr'],
  ['cloudflare_gateway_addr', 'cluster_api_addr'],
  ['cloudflare_gateway_addr', 'cluster_gateway_addr'],
  ['cluster_dns_gateway_addr', 'cluster_api_addr'],
  ['cluster_dns_gateway_addr', 'cluster_gateway_addr'],
  ['cluster_dns_gateway_addr', 'cloudflare_gateway_addr'],
];

function given(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

export function checkTalosNetwork(data: unknown): Issue[] {
  if (!isRecord(data)) return [];
  const issues: Issue[] = [];
  const cidrs = new Map<string, Cidr>();
  for (const key of CIDR_KEYS) {
    const v = given(data, key);
    if (v === undefined) continue;
    const c = parseCidr(v);
    // A value without the dotted shape is the schema's to report (its pattern); here only what it lets through.
    if (typeof c === 'string' && CIDR_SHAPE.test(v)) {
      issues.push({ path: [key], on: 'value', severity: 'error', code: 'talos-invalid-cidr', message: `'${key}' is '${v}', which ${c}; talos-cluster's template (net.IPCIDR) refuses it.` });
    } else if (typeof c !== 'string') cidrs.set(key, c);
  }
  const addresses = new Map<string, number>();
  for (const key of ADDRESS_KEYS) {
    const v = given(data, key);
    if (v === undefined) continue;
    const ip = parseIpv4(v);
    if (typeof ip === 'string' && IPV4.test(v)) {
      issues.push({ path: [key], on: 'value', severity: 'error', code: 'talos-invalid-address', message: `'${key}' is '${v}', which ${ip}; talos-cluster's template (net.IPv4) refuses it.` });
    } else if (typeof ip !== 'string') addresses.set(key, ip);
  }

  // Identical values the schema forbids (the pod and service networks count with their defaults).
  const reported = new Set<string>();
  for (const [a, b] of DIFFERENT) {
    const va = given(data, a) ?? DEFAULT_CIDR[a];
    const vb = given(data, b) ?? DEFAULT_CIDR[b];
    if (va === undefined || vb === undefined || va !== vb) continue;
    // On the key whose constraint it is (the first of the pair), unless that one is only a default.
    const on = given(data, a) !== undefined ? a : b;
    const other = on === a ? b : a;
    reported.add(`${a}|${b}`);
    const defaulted = given(data, other) === undefined ? ` ('${other}' defaults to ${va})` : '';
    issues.push({
      path: [on],
      on: 'value',
      severity: 'error',
      code: 'talos-same-value',
      message: `'${on}' and '${other}' are both ${va}${defaulted}; talos-cluster's template requires them to differ. Choose a different ${a.endsWith('cidr') ? 'network' : 'address'}.`,
    });
  }

  // Overlapping networks that are not the same string: the template accepts them, routing then breaks.
  const node = cidrs.get('node_cidr');
  const pod = cidrs.get('cluster_pod_cidr') ?? (given(data, 'cluster_pod_cidr') === undefined ? (parseCidr(DEFAULT_CIDR.cluster_pod_cidr!) as Cidr) : undefined);
  const svc = cidrs.get('cluster_svc_cidr') ?? (given(data, 'cluster_svc_cidr') === undefined ? (parseCidr(DEFAULT_CIDR.cluster_svc_cidr!) as Cidr) : undefined);
  const nets: [string, Cidr | undefined][] = [
    ['node_cidr', node],
    ['cluster_pod_cidr', pod],
    ['cluster_svc_cidr', svc],
  ];
  for (let i = 0; i < nets.length; i++) {
    for (let j = i + 1; j < nets.length; j++) {
      const [a, ca] = nets[i];
      const [b, cb] = nets[j];
      if (!ca || !cb || reported.has(`${a}|${b}`) || !overlap(ca, cb)) continue;
      const on = given(data, b) !== undefined ? b : a;
      if (given(data, on) === undefined) continue;
      issues.push({
        path: [on],
        on: 'value',
        severity: 'warning',
        code: 'talos-overlapping-cidr',
        message: `'${b}' (${given(data, b) ?? DEFAULT_CIDR[b]}) overlaps '${a}' (${given(data, a) ?? DEFAULT_CIDR[a]}); pods, services and nodes need separate networks or traffic is misrouted.`,
      });
    }
  }

  // Addresses the template says to choose inside node_cidr.
  if (node) {
    for (const key of IN_NODE_CIDR) {
      const ip = addresses.get(key);
      if (ip === undefined || contains(node, ip)) continue;
      issues.push({
        path: [key],
        on: 'value',
        severity: 'warning',
        code: 'talos-address-outside-node-cidr',
        message: `'${key}' (${given(data, key)}) is outside node_cidr (${given(data, 'node_cidr')}); the nodes cannot answer on it. Choose an unused address in node_cidr.`,
      });
    }
  }
  return issues;
}
