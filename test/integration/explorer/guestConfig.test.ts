import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, domTexts, domType, screenshot, sleep, waitForDomText, workspaceDir } from '../harness';
import type { ExplorerApi } from '../../../src/vscode/explorer';
import type { Element } from '../../../src/vscode/explorer/provider';

const LANGUAGE = 'proxmox-guest-config';
/** Every token the editor shows, as a span with its colour class (`mtk1` is the default text colour). */
const TOKENS = '.monaco-editor .view-line span[class^="mtk"]';

let explorer: ExplorerApi;

async function guestRow(name: string): Promise<Element> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    for (const group of await explorer.provider.getChildren(explorer.provider.element('conn:demo'))) {
      for (const el of await explorer.provider.getChildren(group)) {
        const item = explorer.provider.getTreeItem(el);
        const label = typeof item.label === 'string' ? item.label : item.label?.label;
        if (label === name && item.contextValue?.startsWith('guest ')) return el;
      }
    }
    await sleep(200); // the first refresh is still on its way
  }
  throw new Error(`guest "${name}" is not in the tree`);
}

async function activeEditor(what: string, accept: (e: vscode.TextEditor) => boolean): Promise<vscode.TextEditor> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const e = vscode.window.activeTextEditor;
    if (e && accept(e)) return e;
    await sleep(100);
  }
  assert.fail(`${what} did not become the active editor; active: ${vscode.window.activeTextEditor?.document.uri.toString() ?? '(none)'}`);
}

/**
 * The colour classes each token text is rendered with, once `expected` shows coloured (tokenizing is
 * asynchronous). A text can be a token twice in different roles (`scsi0` the key and in `boot: order=scsi0`).
 */
async function tokenColours(expected: RegExp): Promise<Map<string, Set<string>>> {
  await waitForDomText(`${TOKENS}:not(.mtk1)`, expected);
  const texts = await domTexts(TOKENS);
  const classes = await domTexts(TOKENS, 'class');
  assert.equal(texts.length, classes.length, 'the editor re-rendered between two reads');
  const colours = new Map<string, Set<string>>();
  // The editor renders spaces as U+00A0.
  texts.map((t) => t.replace(/\u00a0/g, ' ').trim()).forEach((t, i) => colours.set(t, (colours.get(t) ?? new Set()).add(classes[i])));
  return colours;
}

/** The colour `text` has where it is coloured (else the default, `mtk1`). */
function colourOf(colours: Map<string, Set<string>>, text: string): string {
  const c = colours.get(text);
  assert.ok(c, `"${text}" is not one token on screen; tokens: ${JSON.stringify([...colours.keys()])}`);
  return [...c].find((x) => x !== 'mtk1') ?? 'mtk1';
}

describe('guest configuration documents', function () {
  this.timeout(120_000);

  before(async () => {
    const api = await activateExtension();
    assert.ok(api?.explorer, 'the extension API has no explorer');
    explorer = api.explorer;
    // The explorer loads the cluster once its view is shown.
    await vscode.commands.executeCommand('workbench.view.extension.proxmoxIac');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"Show Configuration" opens the guest\'s configuration read-only, in the guest-configuration language and coloured (screenshot)', async () => {
    await vscode.commands.executeCommand('proxmoxIac.guest.showConfig', await guestRow('Doc1'));
    const editor = await activeEditor('the configuration of Doc1', (e) => e.document.uri.scheme === 'proxmox-config');
    assert.equal(editor.document.languageId, LANGUAGE);
    const text = editor.document.getText();
    assert.match(text, /^memory: 32000 {3}# 31 GiB$/m);
    assert.match(text, /^name: Doc1$/m);
    assert.match(text, /^scsi0: local-zfs:vm-104-disk-0,iothread=1,size=400G$/m);
    assert.match(text, /^net0: virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0,firewall=1$/m);
    const mac = /^net0: virtio=([0-9A-F:]{17}),/m.exec(text)![1];
    const colours = await tokenColours(/^local-zfs$/);
    const key = colourOf(colours, 'scsi0');
    const storage = colourOf(colours, 'local-zfs');
    const volume = colourOf(colours, 'vm-104-disk-0');
    const property = colourOf(colours, 'iothread');
    for (const [what, c] of Object.entries({ key, storage, volume, property, mac: colourOf(colours, mac), size: colourOf(colours, '400G'), note: colourOf(colours, '# 31 GiB') })) {
      assert.notEqual(c, 'mtk1', `the ${what} is in the default text colour`);
    }
    assert.equal(new Set([key, storage, volume, property]).size, 4, `key, storage, volume and property share colours: ${[key, storage, volume, property].join(' ')}`);
    await screenshot('explorer-guest-config');

    // Read-only: typing into it gets VS Code's refusal, and the text stays as it was.
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await domType('x');
    await waitForDomText('.monaco-editor-overlaymessage', /Cannot edit in read-only editor/);
    assert.equal(editor.document.getText(), text);
    assert.equal(editor.document.isDirty, false);
  });

  it('a configuration file from a node (…/qemu-server/100.conf, …/pve/lxc/101.conf) opens in the same language, description and snapshot sections coloured', async () => {
    const lxc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceDir(), 'pve/lxc/101.conf')));
    assert.equal(lxc.languageId, LANGUAGE);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceDir(), 'pve/qemu-server/100.conf')));
    assert.equal(doc.languageId, LANGUAGE);
    await vscode.window.showTextDocument(doc);
    const colours = await tokenColours(/pre-upgrade\]?$/);
    const section = [...colours.keys()].find((t) => /^\[?pre-upgrade\]?$/.test(t));
    assert.ok(section, `the [pre-upgrade] section is not coloured; tokens: ${JSON.stringify([...colours.keys()])}`);
    const description = colourOf(colours, '#Web front end, managed by OpenTofu.');
    assert.notEqual(description, 'mtk1', 'the description is in the default text colour');
    assert.notEqual(colourOf(colours, section), 'mtk1', 'the section is in the default text colour');
    assert.notEqual(colourOf(colours, section), colourOf(colours, 'name'), 'the section looks like an option');
    assert.notEqual(description, colourOf(colours, 'name'), 'the description looks like an option');
  });
});
