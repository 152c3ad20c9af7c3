import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { parseYaml } from '../../../src/core/iac/yaml/parse';
import { checkSchema } from '../../../src/core/iac/schemas';
import { EXAMPLES, SITE, at, lineColOf, overlayFiles } from './helpers';

async function walk(dir: string, out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = nodePath.join(dir, e.name);
    if (e.isDirectory()) await walk(full, out);
    else out.push(full);
  }
  return out;
}

const n2push = nodePath.join(SITE, 'manifests/n2-push.yaml');

test('every example file validates without a false error; the talos samples report their real problems', async () => {
  const service = createLanguageService(nodeFileSource());
  let checked = 0;
  for (const file of await walk(EXAMPLES)) {
    const format = service.detectFormat(file);
    if (!format || format.endsWith('nix')) continue;
    checked++;
    const diags = await service.validate(file, await readFile(file, 'utf8'));
    if (file.endsWith('.sample.yaml')) {
      // A sample is a template: its empty values ("" and []) are the blanks the user fills in, not problems;
      // one note at the top says which they are and that the real file must have them.
      assert.deepEqual(diags.map((d) => [at(d), d.severity, d.code]), [['1:1', 'information', 'sample-blanks']], file);
      assert.match(diags[0].message, file.endsWith('cluster.sample.yaml') ? /leaves 7 values blank \(node_cidr, .*\): fill them in the cluster\.yaml you make from it/ : /leaves a value blank \(nodes\): fill it in the nodes\.yaml you make from it/);
      // …but a mistake written into one is still reported (as a warning: a sample is not used as it is).
      const text = await readFile(file, 'utf8');
      const seeded = file.endsWith('cluster.sample.yaml') ? text.replace('node_cidr: ""', 'node_cidr: "10.0.0.0/33"') : text.replace(/^nodes:\n\s*\[\]/m, 'nodes:\n  - name: cp1\n    address: 10.0.0.300');
      assert.notEqual(seeded, text);
      const found = await service.validate(file, seeded);
      const problems = found.filter((d) => d.code !== 'sample-blanks');
      assert.ok(problems.length > 0 && problems.every((d) => d.severity === 'warning'), `${file}: ${JSON.stringify(found)}`);
    } else {
      assert.deepEqual(diags, [], `${file}: ${diags.map((d) => `${at(d)} ${d.message}`).join('\n')}`);
    }
  }
  assert.ok(checked >= 22, `only ${checked} files checked`);
});

test('seeded mistakes in a copy of n2-push.yaml are each reported at the right line:col', async () => {
  const original = await readFile(n2push, 'utf8');
  const broken = original
    .replace('pattern: tiered', 'pattern: tierd')
    .replace('    spec: pve\n', '    spec: pvee\n')
    .replace('preset: vm-small', 'prest: vm-small')
    .replace('type: vm\n', 'type: vmm\n')
    .replace('vmid: 99021', 'vmid: 99011')
    .replace('parent: root-pve', 'parent: root-pv');
  const service = createLanguageService(overlayFiles({ [n2push]: broken }));
  const diags = await service.validate(n2push, broken);
  const got = diags.map((d) => `${at(d)} ${d.code}`);
  const want = [
    `${lineColOf(broken, 'tierd')} invalid-value`,
    `${lineColOf(broken, 'pvee')} unknown-reference`,
    `${lineColOf(broken, 'vmm')} invalid-value`,
    `${lineColOf(broken, 'prest')} unknown-key`,
    `${lineColOf(broken, '99011', 2)} duplicate-vmid`,
    `${lineColOf(broken, 'root-pv\n')} unknown-parent`,
  ];
  assert.deepEqual(got.sort(), want.sort());
  // Spot-check absolute positions as a user sees them.
  assert.ok(got.includes('4:10 invalid-value'));
  assert.ok(got.includes('18:5 unknown-key'));
  // Quick-fix data: the closest existing name.
  const byCode = (c: string) => diags.find((d) => d.code === c)!;
  assert.equal(byCode('unknown-reference').data?.replacement, 'pve');
  assert.equal(byCode('unknown-key').data?.replacement, 'preset');
  assert.equal(byCode('unknown-parent').data?.replacement, 'root-pve');
  assert.match(byCode('unknown-reference').message, /Did you mean 'pve'\?/);
  // Ranges cover exactly the offending value.
  const ref = byCode('unknown-reference').range;
  assert.equal(ref.end.character - ref.start.character, 'pvee'.length);
});

test('graph checks: duplicate names, unknown parent, cycles on every member, non-pve parents, names, ranges', async () => {
  const file = nodePath.join(SITE, 'manifests/graph.yaml');
  const text = [
    'schema_version: 2',
    'name: graph',
    'nodes:',
    '  - name: a',
    '    type: pve',
    '    parent: c',
    '  - name: b',
    '    type: pve',
    '    parent: a',
    '  - name: c',
    '    type: pve',
    '    parent: b',
    '  - name: leaf',
    '    type: vm',
    '    vmid: 50',
    '  - name: kid',
    '    type: vm',
    '    parent: leaf',
    '    vmid: 120000',
    '  - name: Bad_Name',
    '    type: vm',
    '  - name: kid',
    '    type: ct',
    '',
  ].join('\n');
  const service = createLanguageService(overlayFiles({ [file]: text }));
  const diags = await service.validate(file, text, { vmidRanges: [[100, 99999]] });
  const codes = diags.map((d) => `${at(d)} ${d.code}`);
  assert.ok(codes.includes('6:13 parent-cycle'));
  assert.ok(codes.includes('9:13 parent-cycle'));
  assert.ok(codes.includes('12:13 parent-cycle'));
  assert.ok(codes.includes('18:13 parent-not-pve'));
  assert.ok(codes.includes('15:11 out-of-range'), 'vmid below the schema minimum of 100');
  assert.ok(codes.includes('19:11 vmid-out-of-range'));
  assert.ok(codes.includes('20:11 invalid-name'));
  assert.ok(codes.includes('22:11 duplicate-name'));
  assert.match(diags.find((d) => d.code === 'parent-cycle')!.message, /a → c → b → a, each arrow pointing to the parent/);
});

test('read-only VMIDs, declared read-only guests and live VMID conflicts', async () => {
  const text = await readFile(n2push, 'utf8');
  const service = createLanguageService(nodeFileSource());
  const diags = await service.validate(n2push, text, {
    readonlyVmids: [99011],
    declaredGuests: [{ name: 'media', vmid: 99021, format: 'hosts-nix', file: '/x/hosts.nix', range: { start: { line: 41, character: 2 }, end: { line: 41, character: 7 } }, readonly: true, readonlySource: 'hosts.nix:42' }],
    live: { guests: [{ vmid: 99021, name: 'media', node: 'pve2' }, { vmid: 99011, name: 'root-pve', node: 'pve1' }] },
  });
  const ro = diags.filter((d) => d.code === 'readonly-vmid');
  assert.deepEqual(ro.map(at), [lineColOf(text, '99011'), lineColOf(text, '99021')]);
  assert.match(ro[1].message, /media in hosts\.nix:42/);
  const live = diags.filter((d) => d.code === 'live-vmid-conflict');
  assert.equal(live.length, 1, 'the same name on the same VMID is not a conflict');
  assert.equal(live[0].severity, 'warning');
  assert.match(live[0].message, /already used by 'media' on node pve2/);
});

test('resolved sizes out of homestak range are reported on the preset reference', async () => {
  const preset = nodePath.join(SITE, 'presets/vm-tiny.yaml');
  const text = (await readFile(n2push, 'utf8')).replace('preset: vm-small', 'preset: vm-tiny');
  const service = createLanguageService(overlayFiles({ [preset]: 'cores: 200\nmemory: 256\ndisk: 10\n', [n2push]: text }));
  const diags = (await service.validate(n2push, text)).filter((d) => d.code === 'resolved-size');
  assert.equal(diags.length, 2);
  assert.ok(diags.every((d) => at(d) === lineColOf(text, 'vm-tiny')));
  assert.match(diags.map((d) => d.message).join(' '), /200 cores.*256 MB/);
});

test('a leading comment block with --- and multi-document files keep exact positions', async () => {
  const spec = nodePath.join(SITE, 'specs/base.yaml');
  const text = (await readFile(spec, 'utf8')).replace('posture: dev', 'posture: devv');
  const service = createLanguageService(nodeFileSource());
  const diags = await service.validate(spec, text);
  assert.deepEqual(diags.map((d) => `${at(d)} ${d.code} ${d.data?.replacement}`), [`${lineColOf(text, 'devv')} unknown-reference dev`]);

  const multi = nodePath.join(SITE, 'presets/multi.yaml');
  const multiText = 'cores: 2\n---\n# second\ncores: 0\nmemroy: 1024\n';
  const d2 = await createLanguageService(overlayFiles({ [multi]: multiText })).validate(multi, multiText);
  assert.deepEqual(d2.map((d) => `${at(d)} ${d.code}`), ['4:8 out-of-range', '5:1 unknown-key']);
  assert.equal(d2[1].data?.replacement, 'memory');
});

test('unquoted yes/no SSH policies are flagged: PyYAML would read them as booleans', async () => {
  const posture = nodePath.join(SITE, 'postures/dev.yaml');
  const text = (await readFile(posture, 'utf8')).replace('permit_root_login: "yes"', 'permit_root_login: yes');
  const diags = await createLanguageService(nodeFileSource()).validate(posture, text);
  assert.deepEqual(diags.map((d) => `${at(d)} ${d.severity} ${d.code} ${d.data?.replacement}`), [`${lineColOf(text, 'yes\n')} warning yaml11-boolean "yes"`]);
});

test('site-config references: posture, host, preset, template, secrets keys (never their values)', async () => {
  const secrets = nodePath.join(SITE, 'secrets.yaml');
  const node = nodePath.join(SITE, 'nodes/father.yaml');
  const nodeText = (await readFile(node, 'utf8')).replace('host: father ', 'host: fathr ').replace('api_token: father', 'api_token: mother');
  const files = overlayFiles({ [secrets]: 'api_tokens:\n  father: "root@pam!tofu=SECRET-VALUE-123"\nssh_keys: {}\n' });
  const service = createLanguageService(files);
  const diags = await service.validate(node, nodeText);
  assert.deepEqual(diags.map((d) => `${at(d)} ${d.code}`), [`${lineColOf(nodeText, 'fathr')} unknown-reference`, `${lineColOf(nodeText, 'mother')} unknown-secret`]);
  assert.equal(diags[0].data?.replacement, 'father');
  for (const d of diags) assert.doesNotMatch(d.message, /SECRET-VALUE/);

  // A wrong type in secrets.yaml never echoes the value.
  const bad = 'api_tokens:\n  father: 12345678\npasswords:\n  vm_root: ["x"]\n';
  const sd = await service.validate(secrets, bad);
  assert.equal(sd.length, 2);
  for (const d of sd) assert.doesNotMatch(d.message, /12345678/);
  const hover = await service.hover(node, await readFile(node, 'utf8'), { line: 4, character: 13 });
  assert.ok(hover);
  assert.match(hover.markdown, /api_tokens\.father/);
  assert.doesNotMatch(hover.markdown, /SECRET-VALUE/);
});

test('hover on a manifest node shows the resolved configuration with sources; on a reference the target file', async () => {
  const text = await readFile(n2push, 'utf8');
  const service = createLanguageService(nodeFileSource());
  const lines = text.split('\n');
  const edgeLine = lines.findIndex((l) => l.includes('name: edge'));
  const h = await service.hover(n2push, text, { line: edgeLine, character: lines[edgeLine].indexOf('edge') + 1 });
  assert.ok(h);
  assert.match(h.markdown, /\| cores \| 2 \| presets\/vm-small\.yaml \|/);
  // Every figure with its unit, as iac-driver and PVE read it.
  assert.match(h.markdown, /\| memory \| 2048 MiB \| presets\/vm-small\.yaml \|/);
  assert.match(h.markdown, /\| disk \| \d+ GiB \| presets\/vm-small\.yaml \|/);
  assert.match(h.markdown, /\| posture \| dev \| specs\/base\.yaml access\.posture \|/);
  assert.match(h.markdown, /\| ssh_permit_root_login \| yes \| postures\/dev\.yaml \|/);
  assert.match(h.markdown, /preset → template\/node → env → posture/);
  const presetLine = lines.findIndex((l) => l.includes('preset: vm-large'));
  const h2 = await service.hover(n2push, text, { line: presetLine, character: lines[presetLine].indexOf('vm-large') + 2 });
  assert.ok(h2);
  assert.match(h2.markdown, /\*\*presets\/vm-large\.yaml\*\*/);
  assert.match(h2.markdown, /`memory`: 8192 MiB$/m);
  assert.match(h2.markdown, /`disk`: 40 GiB$/m);
  const keyHover = await service.hover(n2push, text, { line: presetLine, character: 5 });
  assert.match(keyHover!.markdown, /Foreign key to `presets\/<preset>\.yaml`/);
});

test('completion offers existing specs, presets, postures, parents and images', async () => {
  const service = createLanguageService(nodeFileSource());
  const base = await readFile(n2push, 'utf8');
  const complete = async (replaceFrom: string, replaceTo: string) => {
    const text = base.replace(replaceFrom, replaceTo);
    const end = base.indexOf(replaceFrom) + replaceTo.replace(/\n$/, '').length;
    const before = text.slice(0, end);
    const line = before.split('\n').length - 1;
    return service.completions(n2push, text, { line, character: end - before.lastIndexOf('\n') - 1 });
  };
  const presets = await complete('preset: vm-small', 'preset: vm-');
  assert.deepEqual(presets.map((c) => c.label), ['vm-large', 'vm-medium', 'vm-small']);
  assert.equal(presets[0].range.end.character - presets[0].range.start.character, 3, 'replaces what was typed');
  const specs = await complete('spec: base', 'spec: ');
  assert.deepEqual(specs.map((c) => c.label), ['base', 'pve']);
  const parents = await complete('parent: root-pve', 'parent: ');
  assert.deepEqual(parents.map((c) => c.label).sort(), ['edge', 'root-pve']);
  assert.equal(parents.find((c) => c.label === 'root-pve')!.detail, 'pve node');
  const images = await complete('image: debian-12', 'image: deb');
  assert.ok(images.some((c) => c.label === 'debian-12'));
  const types = await complete('type: vm\n', 'type: \n');
  assert.deepEqual(types.map((c) => c.label), ['vm', 'ct', 'pve']);
  const spec = nodePath.join(SITE, 'specs/base.yaml');
  const specText = (await readFile(spec, 'utf8')).replace('posture: dev', 'posture: ');
  const specLines = specText.split('\n');
  const pl = specLines.findIndex((l) => l.includes('posture: '));
  const postures = await service.completions(spec, specText, { line: pl, character: specLines[pl].length });
  assert.deepEqual(postures.map((c) => c.label), ['dev', 'local', 'prod', 'stage']);
});

test('completion works while the file does not parse yet, and offers the keys a node may still have', async () => {
  const service = createLanguageService(nodeFileSource());
  // Line 6 is broken ("type: [vm"), so completion must find its place from indentation alone.
  const broken = ['schema_version: 2', 'name: x', 'nodes:', '  - name: a', '    type: pve', '    spec: ', '  - name: b', '    type: [vm', ''].join('\n');
  assert.deepEqual((await service.completions(n2push, broken, { line: 5, character: 10 })).map((c) => c.label), ['base', 'pve']);
  const spec = nodePath.join(SITE, 'specs/base.yaml');
  const specText = 'schema_version: 1\naccess:\n  users:\n    - name: x\n      sudo: [\n  posture: \n';
  assert.deepEqual((await service.completions(spec, specText, { line: 5, character: 11 })).map((c) => c.label), ['dev', 'local', 'prod', 'stage']);

  const keys = ['schema_version: 2', 'name: x', 'nodes:', '  - name: a', '    type: pve', '    pre', '    vmid: 100', ''].join('\n');
  const k = await service.completions(n2push, keys, { line: 5, character: 7 });
  assert.deepEqual(k.map((c) => c.label), ['preset']);
  assert.equal(k[0].kind, 'key');
  assert.deepEqual(k[0].range, { start: { line: 5, character: 4 }, end: { line: 5, character: 7 } });
  const fresh = ['schema_version: 2', 'name: x', 'nodes:', '  - name: a', '    type: pve', '    ', ''].join('\n');
  const all = (await service.completions(n2push, fresh, { line: 5, character: 4 })).map((c) => c.label);
  assert.deepEqual(all, ['spec', 'preset', 'image', 'vmid', 'disk', 'parent', 'execution'], 'name and type are already there');
  const top = (await service.completions(n2push, 'schema_version: 2\n\n', { line: 1, character: 0 })).map((c) => c.label);
  assert.deepEqual(top, ['name', 'description', 'pattern', 'execution', 'nodes', 'settings']);
});

test('go to definition on spec, preset, parent and posture references', async () => {
  const service = createLanguageService(nodeFileSource());
  const text = await readFile(n2push, 'utf8');
  const lines = text.split('\n');
  const find = (s: string) => {
    const line = lines.findIndex((l) => l.includes(s));
    return { line, character: lines[line].indexOf(s) + s.length - 1 };
  };
  assert.equal((await service.definition(n2push, text, find('spec: base')))?.file, nodePath.join(SITE, 'specs/base.yaml'));
  assert.equal((await service.definition(n2push, text, find('preset: vm-small')))?.file, nodePath.join(SITE, 'presets/vm-small.yaml'));
  const parent = await service.definition(n2push, text, find('parent: root-pve'));
  assert.equal(parent?.file, n2push);
  assert.equal(parent?.range.start.line, lines.findIndex((l) => l.includes('name: root-pve')));
  const env = nodePath.join(SITE, 'envs/dev.yaml');
  const envText = await readFile(env, 'utf8');
  const envLines = envText.split('\n');
  const pl = envLines.findIndex((l) => l.startsWith('posture:'));
  assert.equal((await service.definition(env, envText, { line: pl, character: 10 }))?.file, nodePath.join(SITE, 'postures/dev.yaml'));
});

test('quick fixes: "Did you mean" replaces the value; the v1 manifest converts to a valid v2 manifest', async () => {
  const original = await readFile(n2push, 'utf8');
  const broken = original.replace('preset: vm-small', 'preset: vm-smal');
  const service = createLanguageService(overlayFiles({ [n2push]: broken }));
  const diags = await service.validate(n2push, broken);
  const fixes = await service.codeFixes(n2push, broken, diags[0].range, diags);
  assert.equal(fixes.length, 1);
  assert.equal(fixes[0].title, 'Did you mean vm-small?');
  assert.equal(applyEdits(broken, fixes[0].edits), original);

  const v1Path = nodePath.join(SITE, 'manifests/legacy.yaml');
  const v1 = [
    '# Legacy nested PVE manifest',
    'schema_version: 1',
    'name: legacy',
    'description: "2-level nested"',
    'levels:',
    '  - name: inner',
    '    vm_preset: vm-large',
    '    vmid: 99011',
    '    image: debian-13-pve',
    '    post_scenario: pve-setup',
    '  - name: test',
    '    template: test',
    '    vmid: 99021',
    'settings:',
    '  verify_ssh: true',
    '',
  ].join('\n');
  const v1Service = createLanguageService(overlayFiles({ [v1Path]: v1 }));
  const v1Diags = await v1Service.validate(v1Path, v1);
  assert.deepEqual(v1Diags.map((d) => `${at(d)} ${d.severity} ${d.code}`), ['2:1 warning manifest-v1']);
  const [convert] = await v1Service.codeFixes(v1Path, v1, v1Diags[0].range, v1Diags);
  assert.ok(convert);
  const v2 = applyEdits(v1, convert.edits);
  assert.ok(v2.startsWith('# Legacy nested PVE manifest\nschema_version: 2\n'), v2);
  assert.deepEqual(await v1Service.validate(v1Path, v2), [], v2);
  const data = parseYaml(v2).docs[0].data as { nodes: Record<string, unknown>[] };
  assert.deepEqual(data.nodes.map((n) => [n.name, n.type, n.parent, n.preset, n.image]), [
    ['inner', 'pve', undefined, 'vm-large', 'debian-13-pve'],
    ['test', 'vm', 'inner', 'vm-small', 'debian-12'],
  ]);
  assert.deepEqual(checkSchema('manifest-v2', data), []);
});

test('lens targets: the manifest and each node', () => {
  const service = createLanguageService(nodeFileSource());
  const text = 'schema_version: 2\nname: x\nnodes:\n  - name: a\n    type: pve\n  - name: b\n    type: vm\n    parent: a\n';
  const lenses = service.lensTargets(nodePath.join(SITE, 'manifests/x.yaml'), text);
  assert.deepEqual(lenses.map((l) => `${l.kind} ${l.name} ${l.range.start.line}`), ['manifest x 0', 'manifest-node a 3', 'manifest-node b 5']);
});

test('declared guests: manifest nodes with VMIDs and talos nodes', async () => {
  const talos = nodePath.join(EXAMPLES, 'talos-cluster/nodes.yaml');
  const files = overlayFiles({
    [talos]: 'nodes:\n  - name: cp1\n    address: 10.0.0.1\n    controller: true\n    disk: /dev/sda\n    mac_addr: "aa:bb:cc:dd:ee:01"\n    schematic_id: "' + 'a'.repeat(64) + '"\n    vm_id: 201\n',
  });
  const guests = await createLanguageService(files).declaredGuests([EXAMPLES]);
  const names = guests.map((g) => `${g.format} ${g.name} ${g.vmid ?? ''}`).sort();
  assert.ok(names.includes('manifest root-pve 99011'));
  assert.ok(names.includes('manifest edge 99021'));
  assert.ok(names.includes('talos-nodes cp1 201'));
  const cp1 = guests.find((g) => g.name === 'cp1')!;
  assert.equal(cp1.range.start.line, 1);
});

test('talos cluster: a switched-on Proxmox feature without its keys is reported on the switch', async () => {
  const file = nodePath.join(EXAMPLES, 'talos-cluster/cluster.yaml');
  const text = 'node_cidr: "10.0.0.0/24"\nproxmox_api_url: "https://pve:8006/api2/json"\nproxmox_node: pve\nproxmox_csi_enabled: true\nproxmox_endpoint: "https://pve:8006"\n';
  const diags = (await createLanguageService(nodeFileSource()).validate(file, text)).filter((d) => d.code === 'talos-incomplete');
  assert.deepEqual(diags.map((d) => at(d)), ['2:1', '4:1']);
  assert.match(diags[0].message, /'proxmox_api_token_id', 'proxmox_api_token_secret' are not set/);
  assert.match(diags[1].message, /Proxmox CSI .* 'proxmox_csi_token_id', 'proxmox_csi_token_secret', 'proxmox_csi_storage'/);
});

test('talos nodes: uniqueness of name, address and MAC from the CUE schema', async () => {
  const file = nodePath.join(EXAMPLES, 'talos-cluster/nodes.yaml');
  const node = (name: string, ip: string, mac: string) =>
    `  - name: ${name}\n    address: "${ip}"\n    controller: true\n    disk: /dev/sda\n    mac_addr: "${mac}"\n    schematic_id: "${'b'.repeat(64)}"\n`;
  const text = `nodes:\n${node('cp1', '10.0.0.1', 'aa:bb:cc:dd:ee:01')}${node('cp1', '10.0.0.1', 'aa:bb:cc:dd:ee:01')}`;
  const diags = await createLanguageService(nodeFileSource()).validate(file, text);
  assert.deepEqual(diags.map((d) => `${at(d)} ${d.code}`), ['8:11 duplicate-name', '9:14 duplicate-address', '12:15 duplicate-mac-addr']);
});

test('broken input yields diagnostics, never an exception', async () => {
  const service = createLanguageService(nodeFileSource());
  const cases: string[] = [
    'nodes: [\n',
    'a: b: c',
    '\u0000\u0001\u0002binary',
    '['.repeat(5000),
    '- '.repeat(3000) + 'x',
    'schema_version: 2\nname: 5\nnodes: 7\n',
    'schema_version: 2\nname: x\nnodes:\n  - 1\n  - [a]\n  - {name: {}, type: []}\n',
    'key: value\nkey: again\n',
    '\t- tab',
    '',
    '# only a comment\n',
    '---\n---\n',
  ];
  for (const text of cases) {
    const diags = await service.validate(n2push, text);
    assert.ok(Array.isArray(diags));
    for (const d of diags) assert.ok(d.message.length > 10 && d.range.start.line >= 0);
  }
  const syntax = await service.validate(n2push, 'schema_version: 2\nnodes: [\n  - a\n');
  assert.equal(syntax[0].code, 'yaml-syntax');
  const dup = await service.validate(n2push, 'schema_version: 2\nname: a\nname: b\nnodes: []\n');
  assert.ok(dup.some((d) => d.code === 'yaml-syntax' && /duplicate|unique/i.test(d.message)), JSON.stringify(dup));
});

test('invalidate: a preset created after the first check is found on the next one', async () => {
  const preset = nodePath.join(SITE, 'presets/vm-tiny.yaml');
  const text = (await readFile(n2push, 'utf8')).replace('preset: vm-small', 'preset: vm-tiny');
  const overrides: Record<string, string | undefined> = { [n2push]: text };
  const service = createLanguageService(overlayFiles(overrides));
  assert.deepEqual((await service.validate(n2push, text)).map((d) => d.code), ['unknown-reference']);
  overrides[preset] = 'cores: 1\nmemory: 1024\ndisk: 8\n';
  assert.deepEqual((await service.validate(n2push, text)).map((d) => d.code), ['unknown-reference'], 'cached until invalidated');
  service.invalidate(preset);
  assert.deepEqual(await service.validate(n2push, text), []);
});

function applyEdits(text: string, edits: readonly { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const offset = (p: { line: number; character: number }) => {
    const lines = text.split('\n');
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
