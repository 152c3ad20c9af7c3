import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineRewriter, lockTimeText, parseLockInfo, planSummaryText, readRunReport, rewriteLine, stripAnsi } from '../../../src/core/tasks/toolOutput';
import { describeFileLock, parseFileLock } from '../../../src/core/tasks/fileLock';
import { detectWorkspaces } from '../../../src/core/tasks/kinds';
import { hostsNixTargets } from '../../../src/core/tasks/hostsNixTargets';

// Real output of terraform 1.11 (colour on, as in a task's terminal), saved from runs on terraform_data.
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/tool-output', name), 'utf8');
const ctx = { cwd: '/ws/infra', base: '/ws' };

/** The tofu problem matcher's three patterns from package.json, applied as VS Code applies them: consecutive lines. */
function tofuMatches(text: string): { message: string; file: string; line: number }[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { problemMatchers: { name: string; pattern: { regexp: string }[] }[] } };
  const matcher = pkg.contributes.problemMatchers.find((m) => m.name === 'proxmox-iac-tofu')!;
  const [p1, p2, p3] = matcher.pattern.map((p) => new RegExp(p.regexp));
  const lines = stripAnsi(text).split('\n');
  const out: { message: string; file: string; line: number }[] = [];
  for (let i = 0; i + 2 < lines.length; i++) {
    const a = p1.exec(lines[i]);
    const c = p3.exec(lines[i + 2]);
    if (a && p2.test(lines[i + 1]) && c) out.push({ message: a[2], file: c[1], line: Number(c[2]) });
  }
  return out;
}

test('terraform file references become workspace-relative, in colour and plain, and the matcher reads them', () => {
  const rewritten = fixture('terraform-error-color.txt')
    .split('\n')
    .map((l) => rewriteLine(l, ctx))
    .join('\n');
  assert.match(stripAnsi(rewritten), /│ {3}on infra\/main\.tf line 6, in resource "terraform_data" "b":/);
  assert.deepEqual(tofuMatches(rewritten), [{ message: 'Reference to undeclared input variable', file: 'infra/main.tf', line: 6 }]);
  assert.equal(rewriteLine('  on main.tf line 2, in resource "x" "y":', { cwd: '/ws', base: '/ws' }), '  on main.tf line 2, in resource "x" "y":');
  assert.equal(rewriteLine('  on /ws/infra/modules/vm/main.tf line 2:', ctx), '  on infra/modules/vm/main.tf line 2:');
  // Outside the workspace folder: still relative to it, which the matcher joins to the folder.
  assert.equal(rewriteLine('  on ../../other/main.tf line 2:', ctx), '  on ../other/main.tf line 2:');
  // A lock error has no file line: no problem is made of it.
  assert.deepEqual(tofuMatches(fixture('terraform-lock-color.txt')), []);
});

test('a Nix store path becomes the workspace file only when the store file is a copy of it', () => {
  const store = '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-source/hosts.nix';
  const withCopy = { ...ctx, storeCopyOf: (p: string) => (p === store ? '/ws/infra/hosts.nix' : undefined) };
  assert.equal(rewriteLine(`       at ${store}:41:5:`, withCopy), '       at infra/hosts.nix:41:5:');
  assert.equal(rewriteLine(`       at ${store.replace('hosts', 'other')}:41:5:`, withCopy), `       at ${store.replace('hosts', 'other')}:41:5:`);
  assert.equal(rewriteLine('       at /ws/fleet/hosts.nix:3:12:', ctx), '       at fleet/hosts.nix:3:12:');
});

test('the nix matchers read Nix 2.8 errors (blank line before "at") and newer ones (no blank line)', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { problemMatchers: { name: string; pattern: { regexp: string }[] }[] } };
  const patterns = (name: string) => pkg.contributes.problemMatchers.find((m) => m.name === name)!.pattern.map((p) => new RegExp(p.regexp));
  const old = fixture('nix-2.8-error.txt').split('\n');
  const [a, b, c] = patterns('proxmox-iac-nix');
  assert.equal(a.exec(old[0])?.[1], "undefined variable 'x'");
  assert.ok(b.test(old[1]));
  assert.deepEqual(c.exec(old[2])?.slice(1), ['/tmp/nixe/bad.nix', '2', '7']);
  const [t1, t2] = patterns('proxmox-iac-nix-trace');
  const newer = ["       error: undefined variable 'x'", '       at /ws/fleet/hosts.nix:3:12:'];
  assert.equal(t1.exec(newer[0])?.[1], "undefined variable 'x'");
  assert.deepEqual(t2.exec(newer[1])?.slice(1), ['/ws/fleet/hosts.nix', '3', '12']);
  assert.ok(!t2.test(old[1]), 'the two-line matcher does not fire on the 2.8 form as well');
});

test('the line rewriter passes prompts on at once and holds back only a possible file reference', () => {
  const r = new LineRewriter((l) => rewriteLine(l, ctx));
  assert.equal(r.push('  Enter a value: '), '  Enter a value: ');
  assert.equal(r.push('\n│   on mai'), '\n');
  assert.equal(r.push('n.tf line 3, in x\nnext'), '│   on infra/main.tf line 3, in x\nnext');
  assert.equal(r.end(), '');
});

test('the run report reads the plan summary, replacements and the plan text', () => {
  const report = readRunReport(fixture('terraform-plan-color.txt'));
  assert.deepEqual(report.plan, { add: 2, change: 1, destroy: 2, replace: 1 });
  assert.equal(planSummaryText(report.plan), '2 to add, 1 to change, 2 to destroy (1 replaced)');
  assert.match(report.planText ?? '', /^Terraform used the selected providers/);
  assert.match(report.planText ?? '', /-\/\+ resource "terraform_data" "b" \{/);
  assert.match(report.planText ?? '', /Plan: 2 to add, 1 to change, 2 to destroy\.$/);
  assert.equal(report.lock, undefined);
  assert.deepEqual(readRunReport('\nNo changes. Your infrastructure matches the configuration.\n'), { noChanges: true });
});

test('the run report reads a held state lock with its owner', () => {
  assert.deepEqual(readRunReport(fixture('terraform-lock-color.txt')).lock, {
    id: 'c78ebc85-1d6c-22c8-3db8-51af081d442e',
    who: 'root@vm',
    created: '2026-12-02 06:33:02.174983384 +0000 UTC',
    operation: 'OperationTypeApply',
    path: 'terraform.tfstate',
  });
  assert.equal(parseLockInfo('{"ID":"abc","Who":"me@h","Created":"t","Operation":"OperationTypePlan"}')?.who, 'me@h');
  // The time as the lock notification shows it: ISO, to the second, in UTC.
  assert.equal(lockTimeText('2026-12-02 06:33:02.174983384 +0000 UTC'), '2026-12-02T06:33:02Z');
  assert.equal(lockTimeText('2026-12-02 07:33:02 +0100 CET'), '2026-12-02T06:33:02Z');
  assert.equal(lockTimeText('yesterday'), 'yesterday');
  assert.equal(parseLockInfo('not json'), undefined);
});

test('file locks (seed 001) say who holds them', () => {
  const lock = parseFileLock('{"id":"h-1-2","who":"alice@laptop","operation":"apply","created":"2026-12-02T06:00:00Z","pid":12}');
  assert.deepEqual(lock, { id: 'h-1-2', who: 'alice@laptop', operation: 'apply', created: '2026-12-02T06:00:00Z', pid: 12 });
  assert.equal(describeFileLock(lock), 'held by alice@laptop for apply since 2026-12-02T06:00:00Z');
  assert.equal(parseFileLock('{}'), undefined);
});

test('Clan + Terranix workspaces (seed 001): shared, machines/<name>/infrastructure.nix and hosts/<name>/terraform-configuration.nix', () => {
  const found = detectWorkspaces([
    'clan/flake.nix',
    'clan/inventory/infrastructure/shared/networking.nix',
    'clan/inventory/infrastructure/modules/ec2-with-sg.nix',
    'clan/machines/web-server/infrastructure.nix',
    'clan/machines/web-server/configuration.nix',
    'clan/machines/db/configuration.nix',
    'clan/hosts/edge/terraform-configuration.nix',
    'clan/machines/a;rm -rf ~/infrastructure.nix',
    'clan/machines/x/terraform-configuration.nix',
  ]).filter((w) => w.kind === 'clan');
  assert.deepEqual(found, [
    { kind: 'clan', dir: 'clan', workspace: 'shared', stateDir: 'terraform-state/shared', source: 'inventory/infrastructure' },
    { kind: 'clan', dir: 'clan', workspace: 'edge', stateDir: 'terraform-state/machines/edge', source: 'hosts/edge/terraform-configuration.nix' },
    { kind: 'clan', dir: 'clan', workspace: 'web-server', stateDir: 'terraform-state/machines/web-server', source: 'machines/web-server/infrastructure.nix' },
  ]);
});

test('hosts.nix lenses (seed 000): hosts with a proxmox attribute, and _proxmox for the template', () => {
  const text = readFileSync(join(__dirname, '../../fixtures/overlays/tasks/fleet/hosts.nix'), 'utf8');
  assert.deepEqual(hostsNixTargets(text), [
    { kind: 'template', name: '_proxmox', line: 1 },
    { kind: 'host', name: 'web', line: 7 },
  ]);
  const tricky = [
    '# proxmox = { } in a comment',
    'let keys = [ "{" ]; in {',
    '  plain = { hostname = "x"; note = "proxmox = {"; };',
    '  vm = {',
    '    proxmox = { vmid = 1; };',
    '  };',
    '  "quoted" = { proxmox = {}; };',
    '}',
  ].join('\n');
  assert.deepEqual(hostsNixTargets(tricky), [{ kind: 'host', name: 'vm', line: 3 }]);
  // The real file at three commits (before proxmox attributes existed, and after).
  const real = (commit: string) => hostsNixTargets(readFileSync(join(__dirname, '../../fixtures/real/nixosconfig', commit, 'hosts.nix'), 'utf8')).map((h) => h.name);
  assert.deepEqual(real('2025-10-02-7bb6418a'), []);
  assert.deepEqual(real('2026-01-14-85c448c1'), ['_proxmox', 'proxmox-vm', 'igpu', 'dev', 'test']);
  assert.deepEqual(real('2026-02-25-583fde0a'), ['_proxmox', 'proxmox-vm', 'igpu', 'dev', 'sandbox', 'doc2', 'cache']);
});
