import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, domClick, domTexts, screenshot, selectors, sleep, waitForDomText, waitForNotification } from '../harness';

interface Summary {
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
}

/**
 * The progress the command asks VS Code to show, recorded from the extension host's one `vscode` API object
 * (shared by the extension and this suite) for the duration of one run: a quick validation may finish before
 * a screenshot could catch the notification, but what was shown is what the extension reported.
 */
async function recordingProgress<T>(action: () => Thenable<T>): Promise<{ result: T; shown: { title?: string; location: unknown; messages: string[] }[] }> {
  const w = vscode.window as unknown as Record<string, unknown>;
  const original = w.withProgress as typeof vscode.window.withProgress;
  const shown: { title?: string; location: unknown; messages: string[] }[] = [];
  w.withProgress = (options: vscode.ProgressOptions, task: Parameters<typeof vscode.window.withProgress>[1]) => {
    const entry = { title: options.title, location: options.location, messages: [] as string[] };
    shown.push(entry);
    return original(options, (progress, token) =>
      task(
        {
          report: (value) => {
            if (value.message) entry.messages.push(value.message);
            progress.report(value);
          },
        },
        token,
      ),
    );
  };
  try {
    return { result: await action(), shown };
  } finally {
    w.withProgress = original;
  }
}

describe('Validate IaC Files in Workspace', function () {
  this.timeout(90_000);

  before(async () => {
    await activateExtension();
  });

  it('shows progress, then a summary of files, errors and warnings with "Show Problems" that opens the Problems panel', async () => {
    const { result: summary, shown } = await recordingProgress(() => vscode.commands.executeCommand<Summary>('proxmoxIac.validateWorkspace'));
    assert.ok(summary && summary.files > 0, `the command found no files: ${JSON.stringify(summary)}`);
    const progress = shown.find((p) => p.title === 'Validating IaC files in the workspace');
    assert.ok(progress, `no progress was shown: ${JSON.stringify(shown)}`);
    assert.equal(progress.location, vscode.ProgressLocation.Notification, 'the progress is not a notification');
    assert.ok(progress.messages.includes(`${summary.files} of ${summary.files} files`), `progress never reached the end: ${JSON.stringify(progress.messages)}`);

    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    const expected = `${plural(summary.files, 'IaC file')} checked: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}.`;
    assert.ok(summary.errors > 0, 'the language fixture has seeded errors');
    const message = await waitForNotification(expected, 20_000);
    assert.equal(message, expected);
    await screenshot('validate-workspace-summary');
    const buttons = await domTexts(selectors.notificationButtons);
    assert.ok(buttons.includes('Show Problems'), `no "Show Problems" button: ${JSON.stringify(buttons)}`);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await sleep(300);
    await domClick(selectors.notificationButtons, 'Show Problems');
    // The Problems panel is open and lists our diagnostics.
    await waitForDomText('.part.panel .composite.title .action-label, .part.panel .pane-header h3.title, .part.panel .panel-switcher-container .action-label', /problems/i, 10_000);
    await waitForDomText('.part.panel .monaco-list-row', /seeded-/, 10_000);
    await screenshot('validate-workspace-problems');
  });
});
