/**
 * hosts.nix against the connected cluster (real nix-instantiate): a node or storage name the cluster does not
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

// The example's own cluster: node prom with nvmeprom and Test, node other with local only.
const LIVE: LiveInventory = {
  nodes: ['prom', 'other'],
  storages: [
    { node: 'prom', storage: 'nvmeprom', content: ['images'] },
    { node: 'prom', storage: 'Test', content: ['images'] },
    { node: 'prom', storage: 'local', content: ['iso', 'backup'] },
    { node: 'other', storage: 'ssdother', content: ['images'] },
  ],
};

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
