/**
 * What a user sees of the packaged extension before using it: the README on the extension page (its images
 * must ship in the .vsix, since links stay relative), the walkthrough's pages, and no placeholder URLs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  repository?: unknown;
  homepage?: string;
  bugs?: unknown;
  contributes: { walkthroughs?: { steps: { id: string; title: string; media: { markdown?: string; image?: string } }[] }[] };
};

let listing: Promise<Set<string>> | undefined;

/** Files `vsce package` would put in the .vsix (the listing `npx vsce ls` prints); listed once per run. */
function packagedFiles(): Promise<Set<string>> {
  listing ??= (async () => {
    const vsce = (await import('@vscode/vsce')) as unknown as { listFiles: (o: { cwd: string; dependencies: boolean }) => Promise<string[]> };
    return new Set(await vsce.listFiles({ cwd: root, dependencies: false }));
  })();
  return listing;
}

test('every image and local link of the README ships in the .vsix', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(images.length > 0, 'the README shows no screenshot');
  const files = await packagedFiles();
  for (const image of images) {
    assert.ok(!/^[a-z]+:/i.test(image), `${image}: an absolute image URL breaks when offline`);
    assert.ok(existsSync(join(root, image)), `${image} does not exist`);
    assert.ok(files.has(image), `${image} is not packaged (see .vscodeignore), so the extension page shows a broken image`);
  }
  for (const link of [...readme.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s#]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/i.test(l))) {
    assert.ok(existsSync(join(root, link)), `the README links to ${link}, which does not exist`);
  }
});

test('package.json names no placeholder URL', () => {
  const urls = JSON.stringify({ repository: pkg.repository, homepage: pkg.homepage, bugs: pkg.bugs });
  assert.doesNotMatch(urls, /example\.(invalid|com|org|net)|localhost|TODO/i);
});

test('the walkthrough has the five steps, each with a page that ships', async () => {
  const steps = pkg.contributes.walkthroughs?.[0]?.steps ?? [];
  assert.deepEqual(
    steps.map((s) => s.id),
    ['connect', 'explore', 'openManifest', 'fixMistake', 'plan'],
  );
  const files = await packagedFiles();
  for (const s of steps) {
    const page = s.media.markdown ?? s.media.image ?? '';
    assert.ok(files.has(page), `step "${s.title}": ${page} is not packaged`);
    assert.match(readFileSync(join(root, page), 'utf8'), /^# /, `step "${s.title}": ${page} has no heading`);
  }
});
