import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoRoot, workspaceDir } from '../harness';

interface YamlValidation {
  readonly fileMatch: string | string[];
  readonly url: string;
}

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return /\.yaml(\.example)?$/.test(e.name) ? [full] : [];
  });
}

describe('Schemas for Red Hat\'s YAML extension', () => {
  it('maps every site-config file of the fixture to exactly one existing JSON Schema', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { contributes: { yamlValidation?: YamlValidation[] } };
    const entries = pkg.contributes.yamlValidation ?? [];
    assert.ok(entries.length >= 10, 'the IaC formats are contributed');
    for (const entry of entries) {
      const schemaPath = path.join(repoRoot(), entry.url);
      assert.ok(fs.existsSync(schemaPath), `${entry.url} exists`);
      assert.doesNotThrow(() => JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as unknown, `${entry.url} is JSON`);
    }
    // VS Code's own glob matching (what a DocumentFilter pattern uses) stands in for the YAML extension's.
    const unmatched: string[] = [];
    const ambiguous: string[] = [];
    for (const file of yamlFiles(path.join(workspaceDir(), 'site-config'))) {
      const doc = await vscode.workspace.openTextDocument(file);
      const schemas = entries.filter((e) => [e.fileMatch].flat().some((pattern) => vscode.languages.match({ pattern }, doc) > 0)).map((e) => e.url);
      const rel = path.relative(workspaceDir(), file);
      if (schemas.length === 0) unmatched.push(rel);
      if (schemas.length > 1) ambiguous.push(`${rel}: ${schemas.join(', ')}`);
    }
    assert.deepEqual(ambiguous, []);
    assert.deepEqual(unmatched, []);
  });
});
