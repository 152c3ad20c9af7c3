import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, domClick, screenshot, selectors, sleep, waitForDomText, waitForNotification } from '../harness';
import { answeringModals, argvLog, taskEnd, wsFile } from './util';

const TASK_TYPE = 'proxmox-iac';

/** Runs one of our palette commands on locked/ and resolves with the exit code of the task it started. */
async function runOnLocked(command: string, action: string): Promise<number | undefined> {
  const ended = taskEnd((t) => t.definition.type === TASK_TYPE && t.execution instanceof vscode.ProcessExecution && t.definition.dir === 'locked' && t.definition.action === action, 120_000);
  const execution = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>(command, { file: wsFile('locked/main.tf') });
  assert.ok(execution, `${command} started no task`);
  return ended;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number, detail: () => string = () => ''): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = probe();
    if (v !== undefined) return v;
    await sleep(100);
  }
  assert.fail(`${what} within ${timeoutMs} ms${detail()}`);
}

interface LockInfo {
  readonly ID: string;
  readonly Who: string;
  readonly Created: string;
  readonly Operation: string;
}

/**
 * `terraform apply` on locked/, started as a user's other terminal would, held in its provisioner while the
 * file `hold` exists. Its own process group, so that it and its provisioner's shell can be killed together.
 */
class HeldApply {
  private readonly child: ChildProcess;
  private output = '';
  private readonly exited: Promise<number | null>;
  private readonly killOnExit = () => this.kill();

  constructor(private readonly dir: string) {
    fs.writeFileSync(`${dir}/hold`, '');
    const terraform = process.env.PROXMOX_IAC_TEST_REAL_TERRAFORM!;
    this.child = spawn(terraform, ['apply', '-input=false', '-auto-approve', '-no-color'], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    // Should the extension host go away mid-test, the held run goes with it.
    process.once('exit', this.killOnExit);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.output;
  }

  /** The lock it holds, as terraform wrote it beside the state: the file exists only while the lock is held. */
  async lock(): Promise<LockInfo> {
    return until(
      'the held apply to take the state lock (locked/.terraform.tfstate.lock.info)',
      () => {
        if (!this.running) assert.fail(`terraform apply ended before it held the lock:\n${this.output}`);
        try {
          const info = JSON.parse(fs.readFileSync(`${this.dir}/.terraform.tfstate.lock.info`, 'utf8')) as LockInfo;
          return info.ID ? info : undefined;
        } catch {
          return undefined; // not there yet, or half written
        }
      },
      60_000,
    );
  }

  /** Lets the provisioner finish; resolves with the exit code. */
  async release(timeoutMs = 60_000): Promise<number | null> {
    fs.rmSync(`${this.dir}/hold`, { force: true });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the released apply did not end within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    process.removeListener('exit', this.killOnExit);
    fs.rmSync(`${this.dir}/hold`, { force: true });
    if (this.child.pid === undefined || !this.running) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

describe('A state lock held by a real terraform run', function () {
  this.timeout(300_000);
  let holder: HeldApply | undefined;

  before(async () => {
    await activateExtension();
    assert.ok(process.env.PROXMOX_IAC_TEST_REAL_TERRAFORM, 'Neither terraform nor tofu is on PATH: these tests run the real tool. Install Terraform or OpenTofu.');
  });

  after(() => holder?.kill());

  it('Plan and Apply show who holds it and since when; "Force Unlock…" runs only after the lock ID is typed (screenshot)', async () => {
    assert.equal(await runOnLocked('proxmoxIac.init', 'init'), 0, 'terraform init failed');
    holder = new HeldApply(wsFile('locked'));
    const lock = await holder.lock();
    const since = lock.Created.replace(/\.\d+Z$/, 'Z');
    const shown = `The state of locked is locked (held by ${lock.Who} for apply since ${since}; lock ID ${lock.ID}).`;
    await vscode.commands.executeCommand('notifications.clearAll');

    // Plan: refused by terraform, and the notification names the holder, the time and the lock ID.
    assert.equal(await runOnLocked('proxmoxIac.plan', 'plan'), 1, 'the plan did not fail on the held lock');
    assert.equal(await waitForNotification('The state of locked is locked', 60_000), `${shown} Wait for that run to finish; force-unlock only if it is dead.`);
    // The picture once the toast has faded in (or in the Notifications center, where 1.139 lists it).
    await waitForDomText(`.notifications-toasts .notification-toast.notification-fade-in-done .monaco-button, .notifications-center .notification-list-item .monaco-button`, 'Force Unlock…');
    await screenshot('tasks-state-lock-held');
    await vscode.commands.executeCommand('notifications.clearAll');

    // Apply (confirmed): the same.
    const applied = await answeringModals('Apply', () => runOnLocked('proxmoxIac.apply', 'apply'));
    assert.match(applied.questions[0]?.text ?? '', /^Apply locked\? No saved plan exists/);
    assert.equal(applied.result, 1, 'the apply did not fail on the held lock');
    await waitForNotification(shown, 60_000);

    // Force Unlock…: a wrong ID runs nothing; the typed ID runs `terraform force-unlock -force <ID>`.
    const w = vscode.window as unknown as Record<string, unknown>;
    const original = w.showInputBox;
    const answers = ['not-the-id', lock.ID];
    const prompts: string[] = [];
    w.showInputBox = (o: vscode.InputBoxOptions) => {
      prompts.push(o.prompt ?? '');
      return Promise.resolve(answers.shift());
    };
    try {
      await domClick(selectors.notificationButtons, 'Force Unlock…');
      await until('the typed confirmation', () => (prompts.length >= 1 ? true : undefined), 30_000);
      assert.equal(prompts[0], `Removing the lock ${lock.ID} lets another run write the state at the same time as its owner. Type the lock ID to confirm.`);
      // Once more from a fresh lock notification, now typing the ID.
      assert.equal(await runOnLocked('proxmoxIac.plan', 'plan'), 1);
      await waitForNotification(shown, 60_000);
      const unlocked = taskEnd((t) => t.definition.type === TASK_TYPE && t.definition.action === 'force-unlock' && t.execution instanceof vscode.ProcessExecution, 120_000);
      await domClick(selectors.notificationButtons, 'Force Unlock…');
      const exitCode = await unlocked;
      assert.equal(prompts.length, 2);
      // Only the typed ID ran, as one argument. The lock of a local state belongs to the process holding it, so
      // terraform refuses to remove it while that run lives ("LocalState not locked"): the run is not disturbed.
      assert.deepEqual(argvLog().filter((a) => a[1] === 'force-unlock'), [['terraform', 'force-unlock', '-force', lock.ID]]);
      assert.equal(exitCode, 1);
      assert.ok(holder.running, 'the holding apply died');
      assert.ok(fs.existsSync(wsFile('locked/.terraform.tfstate.lock.info')), 'the live lock is gone');
    } finally {
      w.showInputBox = original;
      await vscode.commands.executeCommand('notifications.clearAll');
    }

    // Once the holder is done, the lock is gone and Plan works again.
    assert.equal(await holder.release(), 0, `the held apply failed:\n${holder.log}`);
    assert.ok(!fs.existsSync(wsFile('locked/.terraform.tfstate.lock.info')), 'the finished apply left its lock');
    assert.equal(await runOnLocked('proxmoxIac.plan', 'plan'), 0);
    await waitForNotification('Plan of locked: no changes', 60_000);
    await vscode.commands.executeCommand('notifications.clearAll');
  });
});
