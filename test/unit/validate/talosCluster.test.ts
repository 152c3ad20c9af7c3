/**
 * talos-cluster cluster.yaml: errors only where the template's CUE schema (what `task configure` runs)
 * refuses the file; warnings for what it lets through but breaks the cluster; a misspelled key on its own line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { parseCidr, parseIpv4 } from '../../../src/core/iac/talosNetwork';
import { closest } from '../../../src/core/iac/levenshtein';

const GOOD = `node_cidr: "192.168.1.0/24"
cluster_api_addr: "192.168.1.10"
cluster_gateway_addr: "192.168.1.11"
repository_name: "me/cluster"
cloudflare_domain: "example.com"
cloudflare_token: "x"
cloudflare_gateway_addr: "192.168.1.12"
`;
const PATH = '/tmp/piac-talos/cluster.yaml';

async function check(text: string): Promise<[number, string, string, string][]> {
  const diags = await createLanguageService(nodeFileSource()).validate(PATH, text);
  return diags.map((d) => [d.range.start.line + 1, d.severity, d.code, d.message]);
}

test('a correct cluster.yaml has no finding', async () => {
  assert.deepEqual(await check(GOOD), []);
});

test('a /33 CIDR and an octet over 255 are errors: net.IPCIDR and net.IPv4 refuse them', async () => {
  const found = await check(GOOD.replace('192.168.1.0/24', '192.168.1.0/33').replace('"192.168.1.11"', '"192.168.1.311"'));
  assert.deepEqual(
    found.map(([line, sev, code]) => [line, sev, code]),
    [
      [1, 'error', 'talos-invalid-cidr'],
      [3, 'error', 'talos-invalid-address'],
    ],
  );
  assert.match(found[0][3], /'node_cidr' is '192\.168\.1\.0\/33', which has the prefix length \/33; an IPv4 prefix is \/0 to \/32/);
});

test('identical pod and service CIDRs are an error (the schema says !=), also against a default', async () => {
  const same = await check(`${GOOD}cluster_pod_cidr: "10.42.0.0/16"\ncluster_svc_cidr: "10.42.0.0/16"\n`);
  assert.deepEqual(same.map(([line, sev, code]) => [line, sev, code]), [[8, 'error', 'talos-same-value']]);
  assert.match(same[0][3], /'cluster_pod_cidr' and 'cluster_svc_cidr' are both 10\.42\.0\.0\/16; talos-cluster's template requires them to differ/);
  const defaulted = await check(`${GOOD}cluster_svc_cidr: "10.42.0.0/16"\n`);
  assert.deepEqual(defaulted.map(([line, sev, code]) => [line, sev, code]), [[8, 'error', 'talos-same-value']]);
  assert.match(defaulted[0][3], /'cluster_pod_cidr' defaults to 10\.42\.0\.0\/16/);
});

test('overlapping (not identical) networks and an API address outside node_cidr are warnings: the template accepts them', async () => {
  const found = await check(GOOD.replace('"192.168.1.10"', '"10.0.0.10"') + 'cluster_pod_cidr: "10.42.0.0/15"\n');
  assert.deepEqual(
    found.map(([line, sev, code]) => [line, sev, code]),
    [
      [2, 'warning', 'talos-address-outside-node-cidr'],
      [8, 'warning', 'talos-overlapping-cidr'],
    ],
  );
  assert.match(found[0][3], /'cluster_api_addr' \(10\.0\.0\.10\) is outside node_cidr \(192\.168\.1\.0\/24\)/);
});

test('the API and gateway addresses must differ (error)', async () => {
  const found = await check(GOOD.replace('cluster_gateway_addr: "192.168.1.11"', 'cluster_gateway_addr: "192.168.1.10"'));
  assert.deepEqual(found.map(([line, sev, code]) => [line, sev, code]), [[3, 'error', 'talos-same-value']]);
});

test('a misspelled key is reported on its own line with "did you mean", not as a missing key elsewhere', async () => {
  const found = await check(GOOD.replace('cluster_api_addr:', 'cluster_api_adr:'));
  assert.deepEqual(found.map(([line, sev, code]) => [line, sev, code]), [[2, 'error', 'unknown-key']]);
  assert.equal(found[0][3], "Unknown key 'cluster_api_adr' — did you mean 'cluster_api_addr'? 'cluster_api_addr' is required, so talos-cluster's template refuses the file until the key is renamed.");
  // A misspelled optional key is a warning: nothing required is missing, the value is just not read.
  const optional = await check(`${GOOD}node_default_gatway: "192.168.1.1"\n`);
  assert.deepEqual(optional.map(([line, sev, code]) => [line, sev, code]), [[8, 'warning', 'unknown-key']]);
  assert.match(optional[0][3], /did you mean 'node_default_gateway'\?/);
  // The quick fix renames it.
  const diags = await createLanguageService(nodeFileSource()).validate(PATH, GOOD.replace('cluster_api_addr:', 'cluster_api_adr:'));
  assert.equal(diags[0].data?.replacement, 'cluster_api_addr');
});

test('CIDR and address parsing', () => {
  assert.deepEqual(parseCidr('10.42.7.9/16'), { base: (10 << 24) + (42 << 16), prefix: 16 });
  assert.equal(parseCidr('10.0.0.0'), 'has no prefix length (e.g. /24)');
  assert.equal(parseIpv4('0.0.0.0'), 0);
  assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
  assert.equal(parseIpv4('1.2.3'), 'is not an IPv4 address (four numbers separated by dots)');
});

test('the one edit-distance helper: default and custom limits, case-only differences', () => {
  assert.equal(closest('cluster_api_adr', ['cluster_api_addr', 'node_cidr']), 'cluster_api_addr');
  assert.equal(closest('xyz', ['cluster_api_addr']), undefined);
  assert.equal(closest('Memory', ['memory']), 'memory');
  assert.equal(closest('ab', ['ac'], (w) => (w.length < 3 ? 0 : 1)), undefined);
  assert.equal(closest('cores', ['cores']), undefined);
});
