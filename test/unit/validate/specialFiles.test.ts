/**
 * Special files in a site-config: a preset linked to /dev/zero, a FIFO and a 5 MB file are named, never read
 * (no hang, no 600 MB read), and the rest of the validation still runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/command';
import { MAX_FILE_BYTES, readBounded } from '../../../src/core/fs/boundedRead';
import { createLanguageService } from '../../../src/core/validate/service';
import { nodeFileSource } from '../../../src/core/validate/nodeFiles';
import { SITE } from './helpers';

function capture(cwd: string): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, cwd };
}

/** A copy of the example site-config whose presets include a /dev/zero link, a FIFO and a 5 MB file. */
function hostileSite(): { root: string; site: string } {
  const root = mkdtempSync(nodePath.join(tmpdir(), 'piac-special-'));
  const site = nodePath.join(root, 'site-config');
  cpSync(SITE, site, { recursive: true });
  const makeWritable = (p: string): void => {
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) makeWritable(nodePath.join(p, e));
  };
  makeWritable(site);
  symlinkSync('/dev/zero', nodePath.join(site, 'presets/zero.yaml'));
  execFileSync('mkfifo', [nodePath.join(site, 'presets/pipe.yaml')]);
  writeFileSync(nodePath.join(site, 'presets/big.yaml'), `cores: 2\n# ${'x'.repeat(5 * 1024 * 1024)}\n`);
  const manifest = nodePath.join(site, 'manifests/n2-push.yaml');
  const text = readFileSync(manifest, 'utf8')
    .replace('preset: vm-large', 'preset: zero')
    .replace('preset: vm-small', 'preset: pipe')
    .replace('type: vm\n', 'type: vmm\n');
  writeFileSync(manifest, `${text}\n  - name: third\n    type: vm\n    spec: base\n    preset: big\n    image: debian-12\n    vmid: 99031\n    parent: root-pve\n`);
  return { root, site };
}

test('the bounded reader refuses a FIFO, a device and an over-large file without blocking, and reads the rest', async () => {
  const { root, site } = hostileSite();
  try {
    const presets = nodePath.join(site, 'presets');
    assert.deepEqual(await readBounded(nodePath.join(presets, 'pipe.yaml')), { kind: 'refused', reason: 'not-regular', what: 'a FIFO' });
    assert.deepEqual(await readBounded(nodePath.join(presets, 'zero.yaml')), { kind: 'refused', reason: 'not-regular', what: 'a character device' });
    const big = await readBounded(nodePath.join(presets, 'big.yaml'));
    assert.equal(big.kind === 'refused' && big.reason, 'too-large');
    assert.equal(big.kind === 'refused' && big.reason === 'too-large' && big.limit, MAX_FILE_BYTES);
    assert.deepEqual(await readBounded(nodePath.join(presets, 'missing.yaml')), { kind: 'missing' });
    const small = await readBounded(nodePath.join(presets, 'vm-small.yaml'));
    assert.equal(small.kind, 'text');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('validate (CLI): each special preset is named where a node refers to it and as a file; the rest is still checked', { timeout: 120_000 }, async () => {
  const { root } = hostileSite();
  try {
    const io = capture(root);
    const status = await main(['validate', 'site-config'], io);
    const out = io.stdout.join('\n');
    assert.equal(status, 1, out);
    // On the manifest, at the node's `preset:` value.
    assert.match(out, /site-config\/manifests\/n2-push\.yaml:\d+:\d+ error presets\/zero\.yaml is not a regular file \(a character device\); not read\. \[unreadable-file\]/);
    assert.match(out, /site-config\/manifests\/n2-push\.yaml:\d+:\d+ error presets\/pipe\.yaml is not a regular file \(a FIFO\); not read\. \[unreadable-file\]/);
    assert.match(out, /site-config\/manifests\/n2-push\.yaml:\d+:\d+ warning presets\/big\.yaml is larger than 2\.0 MiB \(5\.0 MiB\), too large for an IaC file; not read\. \[unreadable-file\]/);
    // The walker names the files themselves.
    assert.match(out, /site-config\/presets\/pipe\.yaml:1:1 error site-config\/presets\/pipe\.yaml is not a regular file \(a FIFO\); not read\./);
    assert.match(out, /site-config\/presets\/zero\.yaml:1:1 error site-config\/presets\/zero\.yaml is not a regular file \(a character device\); not read\./);
    // The seeded mistake elsewhere in the manifest is still found, and the other files are checked.
    assert.match(out, /n2-push\.yaml:\d+:\d+ error .*vmm/);
    assert.match(out, /\d+ files checked/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('language service: the preset lines carry the message; the FIFO is never opened for reading', { timeout: 120_000 }, async () => {
  const { root, site } = hostileSite();
  try {
    const manifest = nodePath.join(site, 'manifests/n2-push.yaml');
    const text = readFileSync(manifest, 'utf8');
    const diags = await createLanguageService(nodeFileSource()).validate(manifest, text);
    const lines = text.split('\n');
    const at = (code: string, re: RegExp): string[] => diags.filter((d) => d.code === code && re.test(d.message)).map((d) => lines[d.range.start.line].trim());
    assert.deepEqual(at('unreadable-file', /zero\.yaml/), ['preset: zero']);
    assert.deepEqual(at('unreadable-file', /pipe\.yaml/), ['preset: pipe']);
    assert.deepEqual(at('unreadable-file', /big\.yaml/), ['preset: big']);
    assert.ok(diags.some((d) => /vmm/.test(d.message)), JSON.stringify(diags.map((d) => d.message)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
