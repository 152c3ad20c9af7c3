/**
 * Live VMID conflicts on each kind of IaC file: the diagnostic sits exactly on the VMID's text, names the
 * live guest and its node, and its quick fix writes the next free VMID in the configured ranges, after which
 * the file validates without it. Nix files are evaluated with the real nix-instantiate, as in realFiles.test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { nextFreeVmid } from '../../../src/core/iac/freeVmid';
import type { IacDiagnostic } from '../../../src/core/iac/types';
import type { LiveCluster } from '../../../src/core/validate/api';
import { LIVE_VMID_CONFLICT, liveVmidConflicts } from '../../../src/core/validate/liveConflicts';
import { createEditorLanguageService } from '../../../src/vscode/language/serviceModule';
import { EXAMPLES, lineColOf, overlayFiles, SITE } from './helpers';

const service = createEditorLanguageService(overlayFiles(), { env: process.env, workspaceRoots: [EXAMPLES], trusted: true });

function at(d: IacDiagnostic): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}`;
}

function textAt(text: string, d: IacDiagnostic): string {
  const lines = text.split('\n');
  assert.equal(d.range.start.line, d.range.end.line);
  return lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
}

/** Validates, applies the conflict's quick fix and validates the result again. */
async function fixAndRecheck(path: string, text: string, options: { live: LiveCluster; vmidRanges?: [number, number][] }, d: IacDiagnostic): Promise<{ title: string; fixed: string; after: IacDiagnostic[] }> {
  const fixes = await service.codeFixes(path, text, d.range, [d]);
  assert.equal(fixes.length, 1, `fixes: ${JSON.stringify(fixes.map((f) => f.title))}`);
  const lines = text.split('\n');
  const e = fixes[0].edits[0];
  lines[e.range.start.line] = lines[e.range.start.line].slice(0, e.range.start.character) + e.newText + lines[e.range.start.line].slice(e.range.end.character);
  const fixed = lines.join('\n');
  const after = (await service.validate(path, fixed, options)).filter((x) => x.code === LIVE_VMID_CONFLICT);
  return { title: fixes[0].title, fixed, after };
}

test('manifest: a node VMID that a live guest of another name uses, on the VMID, fixed to the next free one in the ranges', async () => {
  const path = nodePath.join(SITE, 'manifests/n2-push.yaml');
  const text = await readFile(path, 'utf8');
  const options = {
    live: { guests: [{ vmid: 99021, name: 'media', node: 'pve2' }, { vmid: 99011, name: 'root-pve', node: 'pve1' }] },
    vmidRanges: [[99000, 99999]] as [number, number][],
  };
  const diags = (await service.validate(path, text, options)).filter((d) => d.code === LIVE_VMID_CONFLICT);
  assert.equal(diags.length, 1, 'root-pve on 99011 is the same guest, not a conflict');
  const d = diags[0];
  assert.equal(at(d), lineColOf(text, '99021'));
  assert.equal(textAt(text, d), '99021');
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /VMID 99021 is already used by 'media' on node pve2 in the live cluster, not by 'edge'/);
  assert.match(d.message, /99000 is the next free VMID in proxmoxIac\.validation\.vmidRanges/);
  const { title, fixed, after } = await fixAndRecheck(path, text, options, d);
  assert.equal(title, 'Use the next free VMID 99000');
  assert.match(fixed, /vmid: 99000/);
  assert.deepEqual(after, []);
  // Without a connection, nothing is live.
  assert.deepEqual((await service.validate(path, text, { vmidRanges: options.vmidRanges })).filter((x) => x.code === LIVE_VMID_CONFLICT), []);
});

test('talos nodes.yaml: vm_id against the live cluster; the same name is the same guest', async () => {
  const path = nodePath.join(EXAMPLES, 'talos-cluster/nodes.yaml');
  const text = 'nodes:\n  - name: "k8s-cp-1"\n    vm_id: 200\n    controller: true\n  - name: "talos-worker-1"\n    vm_id: 202\n';
  const live = { guests: [{ vmid: 200, name: 'talos-cp-1', node: 'pve3' }, { vmid: 201, name: 'talos-cp-2', node: 'pve3' }, { vmid: 202, name: 'talos-worker-1', node: 'pve3' }] };
  const diags = (await service.validate(path, text, { live })).filter((d) => d.code === LIVE_VMID_CONFLICT);
  assert.deepEqual(diags.map(at), ['3:12']);
  assert.match(diags[0].message, /already used by 'talos-cp-1' on node pve3/);
  // No ranges configured: the first VMID from 100 up that nothing uses.
  const { title, after } = await fixAndRecheck(path, text, { live }, diags[0]);
  assert.equal(title, 'Use the next free VMID 100');
  assert.deepEqual(after, []);
});

test('hosts.nix: a host\'s proxmox.vmid and the template VMID, checked against live guests (real Nix evaluation)', async () => {
  const path = nodePath.join(EXAMPLES, 'nixos-fleet/hosts.nix');
  const text = await readFile(path, 'utf8');
  const live = {
    guests: [
      { vmid: 104, name: 'Doc1', node: 'prom' },
      { vmid: 110, name: 'builder', node: 'father' },
      { vmid: 9003, name: 'nixos-template', node: 'prom', template: true },
    ],
  };
  const diags = (await service.validate(path, text, { live, vmidRanges: [[100, 199]] })).filter((d) => d.code === LIVE_VMID_CONFLICT);
  assert.equal(diags.length, 1, JSON.stringify(diags.map((d) => d.message)));
  const d = diags[0];
  assert.equal(textAt(text, d), '110');
  assert.equal(at(d), lineColOf(text, 'vmid = 110').replace(/:(\d+)$/, (_, c: string) => `:${Number(c) + 'vmid = '.length}`));
  assert.match(d.message, /VMID 110 is already used by 'builder' on node father in the live cluster, not by 'dev'/);
  const { title, after } = await fixAndRecheck(path, text, { live, vmidRanges: [[100, 199]] }, d);
  assert.match(title, /^Use the next free VMID \d+$/);
  assert.deepEqual(after, []);
  // The template VMID held by a guest that is not a template is a conflict too.
  const notTemplate = { guests: [{ vmid: 9003, name: 'web', node: 'prom' }] };
  const t = (await service.validate(path, text, { live: notTemplate })).filter((x) => x.code === LIVE_VMID_CONFLICT);
  assert.deepEqual(t.map((x) => textAt(text, x)), ['9003']);
  assert.match(t[0].message, /already used by 'web' on node prom/);
});

test('vms/definitions.nix: managed and template entries count; imported (read-only) entries document existing guests', async () => {
  const path = nodePath.join(EXAMPLES, 'nixos-fleet/vms/definitions.nix');
  const text = await readFile(path, 'utf8');
  const live = {
    guests: [
      { vmid: 104, name: 'something-else', node: 'prom' },
      { vmid: 110, name: 'builder', node: 'father' },
      { vmid: 9002, name: 'ubuntu-cloud-template', node: 'prom', template: true },
    ],
  };
  const diags = (await service.validate(path, text, { live })).filter((d) => d.code === LIVE_VMID_CONFLICT);
  assert.deepEqual(diags.map((d) => textAt(text, d)), ['110'], JSON.stringify(diags.map((d) => d.message)));
  assert.equal(at(diags[0]).split(':')[0], lineColOf(text, 'vmid = 110').split(':')[0]);
  assert.match(diags[0].message, /'builder' on node father/);
});

test('the pure check: names compare case-insensitively, templates share, no free VMID is said plainly', () => {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } };
  const live = { guests: [{ vmid: 100, name: 'Web', node: 'n1' }, { vmid: 101, name: 'tmpl', node: 'n1', template: true }] };
  assert.deepEqual(liveVmidConflicts([{ name: 'web', vmid: 100, range }], live), []);
  assert.deepEqual(liveVmidConflicts([{ name: 'other-template', vmid: 101, range, template: true }], live), []);
  const full = liveVmidConflicts([{ name: 'db', vmid: 100, range }], live, [[100, 101]]);
  assert.equal(full.length, 1);
  assert.match(full[0].message, /No VMID in proxmoxIac\.validation\.vmidRanges is free; widen the ranges\./);
  assert.equal(full[0].data?.replacement, undefined);
  assert.equal(nextFreeVmid(new Set([100, 101, 103]), [[100, 105]]), 102);
  assert.equal(nextFreeVmid(new Set([5000]), [[5000, 5000], [200, 300]]), 200);
  assert.equal(nextFreeVmid(new Set(), []), 100);
});
