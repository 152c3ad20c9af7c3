/**
 * hosts.nix and vms/definitions.nix checked with the real nix-instantiate: the real example files give no
 * error, and each seeded mistake in a copy is reported on the line that holds it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveNixBin } from '../../../src/core/iac/nix/nixBinary';
import { declaredGuestsFromNix, nixCodeFixes, nixHover, nixProxmoxSettings, validateNixFile } from '../../../src/core/iac/nix/index';
import type { IacDiagnostic } from '../../../src/core/iac/types';
import { edit, fleetCopy, lineOf, REAL_DEFINITIONS, REAL_HOSTS, type FleetCopy } from './fleetCopy';

let fleet: FleetCopy;

before(() => {
  assert.ok(resolveNixBin(), 'nix-instantiate is missing: run `node scripts/ensure-tools.mjs` (installs nix-bin as root).');
  fleet = fleetCopy();
});
after(() => fleet.remove());

function onLine(diags: readonly IacDiagnostic[], line: number, code: string): IacDiagnostic {
  const hit = diags.find((d) => d.range.start.line === line && d.code === code);
  assert.ok(hit, `expected ${code} on line ${line + 1}, got ${JSON.stringify(diags.map((d) => [d.range.start.line + 1, d.code, d.message]))}`);
  return hit;
}

const hosts = (text: string): Promise<IacDiagnostic[]> => validateNixFile(fleet.hostsPath, text);
const definitions = (text: string): Promise<IacDiagnostic[]> => validateNixFile(fleet.definitionsPath, text);

test('the real hosts.nix and vms/definitions.nix validate without a single diagnostic', async () => {
  assert.deepEqual(await hosts(REAL_HOSTS), []);
  assert.deepEqual(await definitions(REAL_DEFINITIONS), []);
});

test('a duplicate vmid is reported on both hosts that use it', async () => {
  const text = edit(REAL_HOSTS, '  cache = {', 'vmid = 112;', 'vmid = 111;');
  const diags = await hosts(text);
  const cache = onLine(diags, lineOf(text, 'vmid = 111;', '  cache = {'), 'duplicate-vmid');
  const sandbox = onLine(diags, lineOf(text, 'vmid = 111;', '  sandbox = {'), 'duplicate-vmid');
  assert.match(cache.message, /host sandbox \(hosts\.nix:\d+\)/);
  assert.match(sandbox.message, /host cache/);
  // The value itself is underlined, and the quick fix offers a VMID nobody uses.
  assert.equal(text.split('\n')[cache.range.start.line].slice(cache.range.start.character, cache.range.end.character), '111');
  assert.equal(cache.data?.replacement, '100');
});

test('vmid 50, memory 256, cores 0, disk "64GB" and readonly "yes" are each reported on their own line', async () => {
  let text = edit(REAL_HOSTS, '  dev = {', 'vmid = 110;', 'vmid = 50;');
  text = edit(text, '  dev = {', 'memory = 12192;', 'memory = 256;');
  text = edit(text, '  sandbox = {', 'cores = 14;', 'cores = 0;');
  text = edit(text, '  doc2 = {', 'disk = "64G";', 'disk = "64GB";');
  text = edit(text, '  igpu = {', 'readonly = false;', 'readonly = "yes";');
  const diags = await hosts(text);
  const vmid = onLine(diags, lineOf(text, 'vmid = 50;'), 'nix-vmid-range');
  assert.match(vmid.message, /Host dev: vmid 50 is outside 100–9999/);
  onLine(diags, lineOf(text, 'memory = 256;'), 'nix-memory');
  onLine(diags, lineOf(text, 'cores = 0;'), 'nix-cores');
  const disk = onLine(diags, lineOf(text, 'disk = "64GB";'), 'nix-disk');
  assert.equal(disk.data?.replacement, '"64G"');
  const ro = onLine(diags, lineOf(text, 'readonly = "yes";'), 'nix-type');
  assert.equal(ro.data?.replacement, 'true');
  assert.equal(diags.length, 5, JSON.stringify(diags));
});

test('a missing vmid is reported on the proxmox attribute', async () => {
  const text = edit(REAL_HOSTS, '  cache = {', 'vmid = 112;', '');
  const d = onLine(await hosts(text), lineOf(text, 'proxmox = {', '  cache = {'), 'nix-missing-vmid');
  assert.match(d.message, /Host cache has no vmid/);
});

test('a syntax error is shown where nix reports it', async () => {
  const text = edit(REAL_HOSTS, '  doc2 = {', 'cores = 8;', 'cores = 8');
  const diags = await hosts(text);
  assert.equal(diags.length, 1);
  const d = diags[0];
  assert.equal(d.code, 'nix-eval');
  assert.match(d.message, /syntax error/);
  // Nix notices the missing `;` at the next attribute.
  assert.equal(d.range.start.line, lineOf(text, 'memory = 20480;'));
});

test('an undefined variable is shown at its column', async () => {
  const text = edit(REAL_HOSTS, '  wsl = {', 'authorizedKeys = masterKeys;', 'authorizedKeys = masterKey;');
  const [d, ...rest] = await hosts(text);
  assert.equal(rest.length, 0);
  assert.match(d.message, /undefined variable 'masterKey'/);
  const line = lineOf(text, 'authorizedKeys = masterKey;');
  assert.equal(d.range.start.line, line);
  assert.equal(d.range.start.character, text.split('\n')[line].indexOf('masterKey;'));
});

test('a type error and a throw land on the attribute that fails', async () => {
  const typeErr = edit(REAL_HOSTS, '  cache = {', 'memory = 8192;', 'memory = 8192 + "MB";');
  const [t] = await hosts(typeErr);
  assert.match(t.message, /cannot add a string to an integer/);
  assert.equal(t.range.start.line, lineOf(typeErr, 'memory = 8192 + "MB";'));

  // `throw` carries no position; the attribute being printed when Nix stopped does.
  const thrown = edit(REAL_HOSTS, '  cache = {', 'description = "cache";', 'description = throw "not yet";');
  const [th] = await hosts(thrown);
  assert.match(th.message, /not yet/);
  assert.equal(th.range.start.line, lineOf(thrown, 'description = throw'));
});

test('definitions.nix: vmid outside its vmidRanges, duplicates and imported readonly = false', async () => {
  let text = edit(REAL_DEFINITIONS, '  managed = {', 'vmid = 110;', 'vmid = 5000;');
  text = edit(text, '    igp = {', 'vmid = 109;', 'vmid = 104;');
  text = edit(text, '    doc1 = {', 'readonly = true;', 'readonly = false;');
  const diags = await definitions(text);
  const outside = onLine(diags, lineOf(text, 'vmid = 5000;'), 'nix-vmid-outside-ranges');
  assert.match(outside.message, /production 100–199/);
  onLine(diags, lineOf(text, 'vmid = 104;', '    doc1 = {'), 'duplicate-vmid');
  onLine(diags, lineOf(text, 'vmid = 104;', '    igp = {'), 'duplicate-vmid');
  onLine(diags, lineOf(text, 'readonly = false;', '    doc1 = {'), 'nix-imported-readonly');
  // "passthrough" documents an imported VM's disk and is not a mistake.
  assert.ok(!diags.some((d) => d.code === 'nix-disk'));
});

test('a hosts.nix VMID that definitions.nix gives to a different machine is a conflict; the same machine is not', async () => {
  const text = edit(REAL_HOSTS, '  cache = {', 'vmid = 112;', 'vmid = 109;');
  const diags = await hosts(text);
  const d = onLine(diags, lineOf(text, 'vmid = 109;', '  cache = {'), 'duplicate-vmid');
  assert.match(d.message, /host igpu \(hosts\.nix:\d+\) and imported\.igp \(vms\/definitions\.nix:\d+\)/);
  // igpu itself clashes with cache only: definitions.nix's imported.igp is igpu (hostname = "igpu").
  const igpu = onLine(diags, lineOf(text, 'vmid = 109;', '  igpu = {'), 'duplicate-vmid');
  assert.doesNotMatch(igpu.message, /imported\.igp/);
});

test('a misspelled proxmox attribute gets a suggestion', async () => {
  const text = edit(REAL_HOSTS, '  cache = {', 'memory = 8192;', 'memroy = 8192;');
  const d = onLine(await hosts(text), lineOf(text, 'memroy'), 'nix-unknown-attribute');
  assert.equal(d.data?.replacement, 'memory');
});

test('declared guests: hosts with their VMIDs and lines, imported VMs read-only, templates marked', async () => {
  const guests = await declaredGuestsFromNix(fleet.hostsPath, REAL_HOSTS);
  const byVmid = new Map(guests.map((g) => [g.vmid, g]));
  assert.deepEqual([...byVmid.keys()].sort(), [104, 109, 110, 111, 112, 114, 9003]);
  assert.equal(byVmid.get(104)!.name, 'Doc1'); // proxmox.name is what Proxmox shows
  assert.equal(byVmid.get(112)!.range.start.line, lineOf(REAL_HOSTS, '  cache = {'));
  assert.equal(byVmid.get(9003)!.template, true);

  const defs = await declaredGuestsFromNix(fleet.definitionsPath, REAL_DEFINITIONS);
  const doc1 = defs.find((g) => g.vmid === 104)!;
  assert.equal(doc1.readonly, true);
  assert.equal(doc1.readonlySource, `vms/definitions.nix:${lineOf(REAL_DEFINITIONS, 'readonly = true;', 'doc1 = {') + 1}`);
  assert.equal(defs.find((g) => g.vmid === 110)!.readonly, false);
  assert.equal(defs.find((g) => g.vmid === 9002)!.template, true);

  const ro = edit(REAL_HOSTS, '  dev = {', '# readonly = true;', 'readonly = true;');
  const dev = (await declaredGuestsFromNix(fleet.hostsPath, ro)).find((g) => g.vmid === 110)!;
  assert.equal(dev.readonly, true);
  assert.equal(dev.readonlySource, `hosts.nix:${lineOf(ro, 'readonly = true;', '  dev = {') + 1}`);
});

test('connection settings come from _proxmox, and hovering a host shows its proxmox attributes', async () => {
  assert.deepEqual(await nixProxmoxSettings(fleet.hostsPath, REAL_HOSTS), {
    host: '192.168.1.12',
    node: 'prom',
    defaultStorage: 'nvmeprom',
    templateVmid: 9003,
    source: `hosts.nix:${lineOf(REAL_HOSTS, '_proxmox = {') + 1}`,
  });
  const line = lineOf(REAL_HOSTS, '  doc2 = {');
  const hover = await nixHover(fleet.hostsPath, REAL_HOSTS, { line, character: 3 });
  assert.ok(hover);
  assert.match(hover.markdown, /\*\*doc2\*\* — Proxmox VM 114/);
  assert.match(hover.markdown, /\| memory \| 20480 MB \|/);
  assert.match(hover.markdown, /\| disk \| `64G` \|/);
  assert.equal(await nixHover(fleet.hostsPath, REAL_HOSTS, { line: line + 1, character: 3 }), undefined);
});

test('quick fixes replace exactly the reported value, and the fixed file is clean', async () => {
  let text = edit(REAL_HOSTS, '  doc2 = {', 'disk = "64G";', 'disk = "64GB";');
  text = edit(text, '  igpu = {', 'readonly = false;', 'readonly = "yes";');
  text = edit(text, '  cache = {', 'memory = 8192;', 'memroy = 8192;');
  const diags = await hosts(text);
  assert.equal(diags.length, 3);
  const lines = text.split('\n');
  for (const d of diags) {
    const [fix, ...more] = nixCodeFixes(d.range, diags);
    assert.equal(more.length, 0);
    const edit0 = fix.edits[0];
    const l = edit0.range.start.line;
    lines[l] = lines[l].slice(0, edit0.range.start.character) + edit0.newText + lines[l].slice(edit0.range.end.character);
  }
  const fixed = lines.join('\n');
  assert.match(fixed, /disk = "64G";/);
  assert.match(fixed, /readonly = true;/);
  assert.match(fixed, /memory = 8192;/);
  assert.deepEqual(await hosts(fixed), []);
});

test('without definitions.nix, VMID ranges from the settings apply to hosts.nix', async () => {
  const lone = fleetCopy(REAL_HOSTS, null);
  try {
    assert.deepEqual(await validateNixFile(lone.hostsPath, REAL_HOSTS), []);
    const diags = await validateNixFile(lone.hostsPath, REAL_HOSTS, { vmidRanges: [[100, 110], [9000, 9999]] });
    assert.deepEqual(
      diags.map((d) => [d.code, d.range.start.line]),
      [
        ['nix-vmid-outside-ranges', lineOf(REAL_HOSTS, 'vmid = 111;')],
        ['nix-vmid-outside-ranges', lineOf(REAL_HOSTS, 'vmid = 112;')],
        ['nix-vmid-outside-ranges', lineOf(REAL_HOSTS, 'vmid = 114;')],
      ].sort((a, b) => (a[1] as number) - (b[1] as number)),
    );
  } finally {
    lone.remove();
  }
});

test('_proxmox: wrong types, an empty node and a template VMID that a host also uses', async () => {
  let text = edit(REAL_HOSTS, '_proxmox = {', 'host = "192.168.1.12";', 'host = 12;');
  text = edit(text, '_proxmox = {', 'node = "prom";', 'node = "";');
  text = edit(text, '_proxmox = {', 'defaultStorage = "nvmeprom";', 'defaultStorage = ["nvmeprom"];');
  text = edit(text, '  cache = {', 'vmid = 112;', 'vmid = 9003;');
  const diags = await hosts(text);
  const host = onLine(diags, lineOf(text, 'host = 12;'), 'nix-type');
  assert.match(host.message, /_proxmox: host must be a string, not the number 12/);
  assert.equal(host.data?.replacement, '"12"');
  onLine(diags, lineOf(text, 'node = "";'), 'nix-empty');
  onLine(diags, lineOf(text, 'defaultStorage = ["nvmeprom"];'), 'nix-type');
  const tpl = onLine(diags, lineOf(text, 'templateVmid = 9003;'), 'duplicate-vmid');
  assert.match(tpl.message, /_proxmox\.templateVmid is also used by host cache/);
  onLine(diags, lineOf(text, 'vmid = 9003;', '  cache = {'), 'duplicate-vmid');

  const quoted = edit(REAL_HOSTS, '_proxmox = {', 'templateVmid = 9003;', 'templateVmid = "9003";');
  const [q] = await hosts(quoted);
  assert.equal(q.code, 'nix-type');
  assert.equal(q.data?.replacement, '9003');
});

test('hovering a definitions.nix entry shows its specs and that it is read-only', async () => {
  const line = lineOf(REAL_DEFINITIONS, 'igp = {');
  const hover = await nixHover(fleet.definitionsPath, REAL_DEFINITIONS, { line, character: 5 });
  assert.ok(hover);
  assert.match(hover.markdown, /\*\*igp\*\* \(imported\) — VMID 109/);
  assert.match(hover.markdown, /\| memory \| 8096 MB \|/);
  assert.match(hover.markdown, /Imported VM: documented only/);
});
