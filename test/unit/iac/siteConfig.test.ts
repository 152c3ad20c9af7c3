import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverSiteConfig } from '../../../src/core/iac/siteConfig';
import type { FileSource } from '../../../src/core/validate/api';

/** A directory tree in memory: each key is a folder with its entries. */
function tree(dirs: Record<string, string[]>): FileSource {
  return { readFile: () => Promise.resolve(undefined), listDir: (p) => Promise.resolve(dirs[p] ?? []) };
}

test('discovery: the file’s own site-config first, then $HOMESTAK_SITE_CONFIG, sibling ../site-config, FHS paths', async () => {
  const files = tree({
    '/w/site-config': ['site.yaml', 'manifests', 'specs'],
    '/w/site-config/manifests': ['n1.yaml'],
    '/env/sc': ['presets'],
    '/ws/site-config': ['manifests'],
    '/usr/local/etc/homestak': ['site.yaml'],
  });
  assert.equal(await discoverSiteConfig(files, '/w/site-config/manifests/n1.yaml', { env: { HOMESTAK_SITE_CONFIG: '/env/sc' } }), '/w/site-config');
  assert.equal(await discoverSiteConfig(files, '/elsewhere/manifest.yaml', { env: { HOMESTAK_SITE_CONFIG: '/env/sc' }, workspaceRoots: ['/ws/iac-driver'] }), '/env/sc');
  assert.equal(await discoverSiteConfig(files, '/elsewhere/manifest.yaml', { workspaceRoots: ['/ws/iac-driver'] }), '/ws/site-config');
  assert.equal(await discoverSiteConfig(files, '/elsewhere/manifest.yaml', { workspaceRoots: ['/ws/site-config'] }), '/ws/site-config');
  assert.equal(await discoverSiteConfig(files, '/elsewhere/manifest.yaml', {}), '/usr/local/etc/homestak');
  assert.equal(await discoverSiteConfig(tree({ '/opt/homestak/site-config': ['specs'] }), undefined, {}), '/opt/homestak/site-config');
  assert.equal(await discoverSiteConfig(tree({}), '/x/y.yaml', {}), undefined);
});
