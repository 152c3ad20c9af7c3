import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';
import { EXAMPLES, SITE, lineColOf } from './helpers';

function capture(cwd = process.cwd(), env: NodeJS.ProcessEnv = {}): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env, cwd };
}

/** A writable copy of the example site-config (the fixtures are read-only). */
function siteCopy(): string {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'piac-site-'));
  cpSync(SITE, nodePath.join(dir, 'site-config'), { recursive: true });
  const makeWritable = (p: string): void => {
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) makeWritable(nodePath.join(p, e));
  };
  makeWritable(dir);
  return nodePath.join(dir, 'site-config');
}

test('validate: the examples are clean (exit 0); each talos sample gets one note on what it leaves blank', async () => {
  const io = capture();
  assert.equal(await main(['validate', EXAMPLES], io), 0);
  const out = io.stdout.join('\n');
  const notes = out.split('\n').filter((l) => l.includes('.sample.yaml'));
  assert.deepEqual(
    notes.map((l) => l.replace(/ \(.*\)/, '').replace(/^.*\/talos-cluster\//, '')),
    [
      'cluster.sample.yaml:1:1 information This sample leaves 7 values blank: fill them in the cluster.yaml you make from it; as it is, it would not pass validation. [sample-blanks]',
      'nodes.sample.yaml:1:1 information This sample leaves a value blank: fill it in the nodes.yaml you make from it; as it is, it would not pass validation. [sample-blanks]',
    ],
    out,
  );
  assert.match(out, /\d+ files checked: 0 errors, 0 warnings\./);
});

test('validate: seeded mistakes print file:line:col severity message and exit 1; json format', async () => {
  const site = siteCopy();
  try {
    const manifest = nodePath.join(site, 'manifests/n2-push.yaml');
    const text = readFileSync(manifest, 'utf8').replace('preset: vm-small', 'preset: vm-smal').replace('type: vm\n', 'type: vmm\n');
    writeFileSync(manifest, text);
    const io = capture(site);
    assert.equal(await main(['validate', 'manifests'], io), 1);
    const lines = io.stdout.join('\n').split('\n');
    assert.ok(lines.includes(`manifests/n2-push.yaml:${lineColOf(text, 'vmm')} error 'type' is 'vmm'; use one of: vm, ct, pve. Did you mean 'vm'? [invalid-value]`), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`manifests/n2-push.yaml:${lineColOf(text, 'vm-smal')} error Unknown preset 'vm-smal'`)));
    const json = capture(site);
    assert.equal(await main(['validate', '--format', 'json', manifest], json), 1);
    const parsed = JSON.parse(json.stdout.join('')) as { errors: number; files: { diagnostics: { code: string }[] }[] };
    assert.equal(parsed.errors, 2);
    assert.deepEqual(parsed.files[0].diagnostics.map((d) => d.code).sort(), ['invalid-value', 'unknown-reference']);
  } finally {
    rmSync(nodePath.dirname(site), { recursive: true, force: true });
  }
});

test('validate: usage errors exit 2', async () => {
  const io = capture();
  assert.equal(await main(['validate', '/no/such/path'], io), 2);
  assert.match(io.stderr.join(''), /does not exist/);
  assert.equal(await main(['validate', '--format', 'xml'], capture()), 2);
});

test('graph: nodes, edges, breadth-first create order and reverse destroy order in json, dot and mermaid', async () => {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'piac-graph-'));
  try {
    const file = nodePath.join(dir, 'tree.yaml');
    writeFileSync(
      file,
      'schema_version: 2\nname: tree\nnodes:\n  - {name: r1, type: pve}\n  - {name: a, type: vm, parent: r2}\n  - {name: r2, type: pve}\n  - {name: p, type: pve, parent: r1}\n  - {name: b, type: vm, parent: p, vmid: 200}\n  - {name: c, type: vm, parent: r1}\n',
    );
    const io = capture(dir);
    assert.equal(await main(['graph', 'tree.yaml'], io), 0);
    const g = JSON.parse(io.stdout.join('')) as { createOrder: string[]; destroyOrder: string[]; edges: unknown[] };
    assert.deepEqual(g.createOrder, ['r1', 'r2', 'p', 'c', 'a', 'b']);
    assert.deepEqual(g.destroyOrder, ['b', 'a', 'c', 'p', 'r2', 'r1']);
    assert.equal(g.edges.length, 4);
    const dot = capture(dir);
    assert.equal(await main(['graph', 'tree.yaml', '--format', 'dot'], dot), 0);
    assert.match(dot.stdout.join(''), /"p" -> "b";/);
    const mm = capture(dir);
    assert.equal(await main(['graph', 'tree.yaml', '--format=mermaid'], mm), 0);
    assert.match(mm.stdout.join(''), /^graph TD\n[\s\S]*n_r1 --> n_p/);
    writeFileSync(file, 'schema_version: 2\nname: bad\nnodes:\n  - {name: a, type: pve, parent: b}\n  - {name: b, type: pve, parent: a}\n');
    const cyc = capture(dir);
    assert.equal(await main(['graph', 'tree.yaml'], cyc), 1);
    assert.match(cyc.stderr.join(''), /a, b are not reachable from a root/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resolve: per-node configuration like ConfigResolver, with sources, secrets never printed', async () => {
  const io = capture();
  assert.equal(await main(['resolve', '--site-config', SITE, '--manifest', 'n2-pull', '--node', 'edge'], io), 0);
  assert.doesNotMatch(io.stdout.join(''), /api_token|root_password|signing_key|"passwords"/);
  const out = JSON.parse(io.stdout.join('')) as { nodes: Record<string, unknown>[] };
  assert.equal(out.nodes.length, 1);
  const edge = out.nodes[0];
  assert.equal(edge.cores, 2);
  assert.equal(edge.memory, 2048);
  assert.equal(edge.execution_mode, 'pull');
  assert.equal(edge.posture, 'dev');
  assert.deepEqual((edge.sources as Record<string, string>).memory, 'presets/vm-small.yaml');
  const all = capture();
  assert.equal(await main(['resolve', '--site-config', SITE, '--manifest', 'n2-push'], all), 0);
  const both = JSON.parse(all.stdout.join('')) as { nodes: { name: string; disk: number }[] };
  assert.deepEqual(both.nodes.map((n) => [n.name, n.disk]), [['root-pve', 64], ['edge', 10]]);
  const missing = capture();
  assert.equal(await main(['resolve', '--site-config', SITE, '--manifest', 'n2-push', '--node', 'nope'], missing), 2);
  assert.match(missing.stderr.join(''), /has no node 'nope'\. Nodes: root-pve, edge\./);
});

test('validate: files that were not checked (too large, Nix timed out) exit 2, or 1 with --strict', async () => {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'piac-unchecked-'));
  try {
    const manifests = nodePath.join(dir, 'manifests');
    mkdirSync(manifests);
    writeFileSync(nodePath.join(manifests, 'huge.yaml'), `schema_version: 2\nname: huge\n# ${'x'.repeat(10_100_000)}\n`);
    const io = capture(dir);
    assert.equal(await main(['validate', 'manifests'], io), 2, io.stdout.join('\n'));
    assert.match(io.stdout.join('\n'), /huge\.yaml:1:1 warning .*not read/);
    assert.match(io.stdout.join('\n'), /1 file was not checked/);
    const strict = capture(dir);
    assert.equal(await main(['validate', 'manifests', '--strict'], strict), 1);
    const json = capture(dir);
    assert.equal(await main(['validate', 'manifests', '--format', 'json'], json), 2);
    assert.equal((JSON.parse(json.stdout.join('\n')) as { notChecked: number }).notChecked, 1);
    const help = capture(dir);
    assert.equal(await main(['validate', '--help'], help), 0);
    assert.match(help.stdout.join('\n'), /--strict\s+count files that could not be checked as errors/);

    // hosts.nix that Nix cannot finish within its 10 s limit.
    rmSync(manifests, { recursive: true, force: true });
    writeFileSync(
      nodePath.join(dir, 'hosts.nix'),
      "{\n  a = let l = builtins.genList (x: x) 10000; g = acc: builtins.foldl' (b: _: b + 1) acc l;\n      in builtins.foldl' (acc: _: g acc) 0 (builtins.genList (x: x) 100000);\n}\n",
    );
    const nix = capture(dir);
    assert.equal(await main(['validate', '.'], nix), 2, nix.stdout.join('\n'));
    assert.match(nix.stdout.join('\n'), /hosts\.nix:1:1 warning Nix took longer than 10 s .*\[nix-timeout\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
