/**
 * hosts.nix against the connected cluster (real nix-instantiate): a node, storage or bridge name the cluster does not
 * have is a warning on its value naming what exists, with the close name as a quick fix; names it has, and
 * no connection, say nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveNixBin } from '../../../src/core/iac/nix/nixBinary';
import { nixCodeFixes, validateNixFile } from '../../../src/core/iac/nix/index';
import type { LiveInventory } from '../../../src/core/iac/types';
import { fleetCopy, lineOf, REAL_HOSTS, type FleetCopy } from './fleetCopy';

let fleet: FleetCopy;
before(() => {
  assert.ok(resolveNixBin(), 'nix-instantiate is missing: run `node scripts/ensure-tools.mjs` (installs nix-bin as root).');
  fleet = fleetCopy();
});
after(() => fleet.remove());

// The example's own cluster: node prom with nvmeprom, Test and local and bridges vmbr0 and vmbr1; node other
// with ssdother and bridges vmbr0 and vmbr9.
const LIVE: LiveInventory = {
  nodes: ['prom', 'other'],
  storages: [
    { node: 'prom', storage: 'nvmeprom', content: ['images'] },
    { node: 'prom', storage: 'Test', content: ['images'] },
    { node: 'prom', storage: 'local', content: ['iso', 'backup'] },
    { node: 'other', storage: 'ssdother', content: ['images'] },
  ],
  bridges: { prom: ['vmbr0', 'vmbr1'], other: ['vmbr0', 'vmbr9'] },
};

/** The example with a `bridge` in igpu's proxmox set (the real file names none: Terranix's default is vmbr0). */
const withBridge = (bridge: string, text = REAL_HOSTS) => text.replace('storage = "Test";', `storage = "Test";\n      bridge = "${bridge}";`);

/** `null`: no connection open. */
const live = (text: string, inventory: LiveInventory | null = LIVE) => validateNixFile(fleet.hostsPath, text, inventory ? { live: inventory } : {});
const textAt = (text: string, d: { range: { start: { line: number; character: number }; end: { character: number } } }) =>
  text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character);

test('the real hosts.nix against a cluster that has its node and storages: no diagnostic', async () => {
  assert.deepEqual(await live(REAL_HOSTS), []);
});

test('a misspelled storage on a host is a warning on its value, naming the node\'s storages, with a fix', async () => {
  const text = REAL_HOSTS.replace('storage = "Test";', 'storage = "nvmeprm";');
  const diags = await live(text);
  assert.equal(diags.length, 1, JSON.stringify(diags));
  const [d] = diags;
  assert.equal(d.severity, 'warning');
  assert.equal(d.code, 'nix-live-storage');
  assert.equal(d.range.start.line, lineOf(text, 'storage = "nvmeprm";'));
  assert.equal(textAt(text, d), '"nvmeprm"');
  assert.match(d.message, /storage 'nvmeprm' does not exist on node prom \(it has nvmeprom, Test, local\)\. Did you mean 'nvmeprom'\?/);
  const fixes = nixCodeFixes(d.range, diags);
  assert.deepEqual(fixes.map((f) => [f.title, f.edits[0].newText]), [['Use storage "nvmeprom"', '"nvmeprom"']]);
});

test('a storage that only another node has is not one of the file\'s node', async () => {
  const text = REAL_HOSTS.replace('storage = "Test";', 'storage = "ssdother";');
  const diags = await live(text);
  assert.deepEqual(diags.map((d) => [d.code, d.range.start.line]), [['nix-live-storage', lineOf(text, 'storage = "ssdother";')]]);
  assert.doesNotMatch(diags[0].message, /Did you mean/);
});

test('a node the cluster does not have is a warning on _proxmox.node; storages are then looked for on every node', async () => {
  const text = REAL_HOSTS.replace('node = "prom";', 'node = "prm";').replace('defaultStorage = "nvmeprom";', 'defaultStorage = "ssdother";');
  const diags = await live(text);
  assert.deepEqual(diags.map((d) => d.code), ['nix-live-node'], JSON.stringify(diags));
  assert.equal(textAt(text, diags[0]), '"prm"');
  assert.match(diags[0].message, /node 'prm' is not a node of the connected cluster \(it has prom, other\)\. Did you mean 'prom'\?/);
  assert.equal(diags[0].severity, 'warning');
});

test('without a connection, or with an inventory that lists nothing, names are not checked', async () => {
  const text = REAL_HOSTS.replace('node = "prom";', 'node = "nowhere";').replace('storage = "Test";', 'storage = "nothing";');
  assert.deepEqual(await live(text, null), []);
  assert.deepEqual(await live(text, {}), []);
});

test('a host\'s bridge the node has says nothing', async () => {
  assert.deepEqual(await live(withBridge('vmbr1')), []);
});

test('a misspelled bridge on a host is a warning on its value, naming the node\'s bridges, with a fix', async () => {
  const text = withBridge('vmbr11');
  const diags = await live(text);
  assert.equal(diags.length, 1, JSON.stringify(diags));
  const [d] = diags;
  assert.equal(d.severity, 'warning');
  assert.equal(d.code, 'nix-live-bridge');
  assert.equal(d.range.start.line, lineOf(text, 'bridge = "vmbr11";'));
  assert.equal(textAt(text, d), '"vmbr11"');
  assert.match(d.message, /^Host igpu: bridge 'vmbr11' does not exist on node prom \(it has vmbr0, vmbr1\)\. Did you mean 'vmbr1'\?$/);
  const fixes = nixCodeFixes(d.range, diags);
  assert.deepEqual(fixes.map((f) => [f.title, f.edits[0].newText]), [['Use bridge "vmbr1"', '"vmbr1"']]);
});

test('a bridge only another node has is not one of the file\'s node; with an unknown node every node\'s bridges count', async () => {
  const text = withBridge('vmbr9');
  const diags = await live(text);
  assert.deepEqual(diags.map((d) => [d.code, d.range.start.line]), [['nix-live-bridge', lineOf(text, 'bridge = "vmbr9";')]]);
  assert.match(diags[0].message, /on node prom \(it has vmbr0, vmbr1\)/);
  const elsewhere = withBridge('vmbr9', REAL_HOSTS.replace('node = "prom";', 'node = "prm";'));
  assert.deepEqual((await live(elsewhere)).map((d) => d.code), ['nix-live-node']);
  const nowhere = withBridge('vmbr7', REAL_HOSTS.replace('node = "prom";', 'node = "prm";'));
  const [, bridge] = await live(nowhere);
  assert.match(bridge?.message ?? '', /bridge 'vmbr7' does not exist in the connected cluster \(it has vmbr0, vmbr1, vmbr9\)/);
});

test('bridges are not checked when the node\'s network was not read (or lists none)', async () => {
  const text = withBridge('nothing');
  assert.deepEqual(await live(text, { ...LIVE, bridges: { other: ['vmbr0'] } }), []);
  assert.deepEqual(await live(text, { ...LIVE, bridges: { prom: [] } }), []);
  assert.deepEqual(await live(text, { ...LIVE, bridges: undefined }), []);
});
