import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

// The tool runner as a task runs it (src/runner/main.ts through tsx), on the real terraform.
const root = join(__dirname, '../../..');
const terraform = ['tofu', 'terraform'].flatMap((n) => (process.env.PATH ?? '').split(delimiter).map((d) => join(d, n))).find((p) => existsSync(p));

function runner(cwd: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', require.resolve('tsx'), join(root, 'src/runner/main.ts'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' }, timeout: 120_000 });
}

test('the runner passes terraform output on with workspace-relative file references, its exit status, and a report', () => {
  assert.ok(terraform, 'Neither terraform nor tofu is on PATH: this test runs the real tool. Install Terraform or OpenTofu.');
  const ws = mkdtempSync(join(tmpdir(), 'runner-'));
  try {
    const dir = join(ws, 'infra');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.tf'), 'resource "terraform_data" "a" {\n  input = "x"\n}\n\nresource "terraform_data" "b" {\n  input = var.nope\n}\n');
    const report = join(ws, 'report.json');
    const r = runner(dir, ['--base', ws, '--report', report, '--', terraform, 'plan', '-input=false', '-no-color']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /on infra\/main\.tf line 6, in resource "terraform_data" "b":/);
    assert.ok(existsSync(report));

    writeFileSync(join(dir, 'main.tf'), 'resource "terraform_data" "a" {\n  input = "x"\n}\n');
    const ok = runner(dir, ['--base', ws, '--report', report, '--', terraform, 'plan', '-input=false']);
    assert.equal(ok.status, 0, ok.stderr);
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as { plan?: unknown; planText?: string };
    assert.deepEqual(parsed.plan, { add: 1, change: 0, destroy: 0, replace: 0 });
    assert.match(parsed.planText ?? '', /\+ resource "terraform_data" "a"/);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('the runner takes the seed-001 file lock, refuses to start while another run holds it, and releases it', () => {
  const ws = mkdtempSync(join(tmpdir(), 'runner-lock-'));
  try {
    const lock = join(ws, '.terraform-state.lock');
    const report = join(ws, 'report.json');
    const seen = runner(ws, ['--base', ws, '--lock', lock, '--lock-operation', 'plan', '--', process.execPath, '-e', `console.log(require('fs').readFileSync(${JSON.stringify(lock)}, 'utf8'))`]);
    assert.equal(seen.status, 0, seen.stderr);
    assert.match(seen.stdout, /"operation": "plan"/, 'the lock is held while the tool runs');
    assert.ok(!existsSync(lock), 'the lock is released when the run ends');

    writeFileSync(lock, JSON.stringify({ id: 'other-1', who: 'bob@ci', operation: 'apply', created: '2026-12-02T06:00:00Z' }));
    const marker = join(ws, 'ran');
    const refused = runner(ws, ['--base', ws, '--report', report, '--lock', lock, '--', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /The state is locked: held by bob@ci for apply since 2026-12-02T06:00:00Z/);
    assert.ok(!existsSync(marker), 'the tool ran although the state was locked');
    assert.ok(existsSync(lock), "another run's lock is left alone");
    assert.equal((JSON.parse(readFileSync(report, 'utf8')) as { lock: { who: string } }).lock.who, 'bob@ci');
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});
