import * as vscode from 'vscode';
import { findOfferedEndpoints, normaliseConnectionUrl, type OfferedEndpoint } from '../../core/explorer/offers';
import { errorMessage } from '../util/log';
import { ClientPool } from './clients';
import type { ConnectionSettings, ConnectionStore } from './store';

const TOTAL_STEPS = 5;

class WizardBack extends Error {}

/** Runs one QuickInput step; resolves to undefined when the user cancels, throws WizardBack on "Back". */
function inputStep(
  title: string,
  step: number,
  options: { prompt: string; value?: string; placeholder?: string; password?: boolean; validate?: (v: string) => string | undefined },
): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = title;
  box.step = step;
  box.totalSteps = TOTAL_STEPS;
  box.prompt = options.prompt;
  box.value = options.value ?? '';
  box.placeholder = options.placeholder;
  box.password = options.password ?? false;
  box.ignoreFocusOut = true;
  if (step > 1) box.buttons = [vscode.QuickInputButtons.Back];
  return new Promise<string | undefined>((resolve, reject) => {
    const subs: vscode.Disposable[] = [];
    const done = (f: () => void): void => {
      for (const s of subs) s.dispose();
      box.dispose();
      f();
    };
    subs.push(
      box.onDidChangeValue((v) => (box.validationMessage = options.validate?.(v))),
      box.onDidAccept(() => {
        const msg = options.validate?.(box.value);
        if (msg) {
          box.validationMessage = msg;
          return;
        }
        done(() => resolve(box.value));
      }),
      box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(() => reject(new WizardBack()))),
      box.onDidHide(() => done(() => resolve(undefined))),
    );
    box.show();
  });
}

interface PickItem<T> extends vscode.QuickPickItem {
  readonly value: T;
}

function pickStep<T>(title: string, step: number, placeholder: string, items: PickItem<T>[], custom?: (typed: string) => PickItem<T> | undefined): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<PickItem<T>>();
  pick.title = title;
  pick.step = step;
  pick.totalSteps = TOTAL_STEPS;
  pick.placeholder = placeholder;
  pick.items = items;
  pick.ignoreFocusOut = true;
  if (step > 1) pick.buttons = [vscode.QuickInputButtons.Back];
  return new Promise<T | undefined>((resolve, reject) => {
    const subs: vscode.Disposable[] = [];
    const done = (f: () => void): void => {
      for (const s of subs) s.dispose();
      pick.dispose();
      f();
    };
    subs.push(
      pick.onDidChangeValue((v) => {
        const extra = custom?.(v);
        pick.items = extra ? [extra, ...items] : items;
      }),
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0];
        if (chosen) done(() => resolve(chosen.value));
      }),
      pick.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(() => reject(new WizardBack()))),
      pick.onDidHide(() => done(() => resolve(undefined))),
    );
    pick.show();
  });
}

/** Endpoints the workspace's IaC files mention, offered (never used) when adding a connection. */
async function workspaceOffers(): Promise<OfferedEndpoint[]> {
  const files = await vscode.workspace.findFiles('{**/nodes/*.yaml,**/hosts.nix,**/cluster.yaml,**/cluster.sample.yaml,**/*.tfvars}', '**/node_modules/**', 200);
  const offers: OfferedEndpoint[] = [];
  for (const uri of files) {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      offers.push(...findOfferedEndpoints(vscode.workspace.asRelativePath(uri), text));
    } catch {
      // An unreadable file offers nothing.
    }
  }
  const seen = new Set<string>();
  return offers.filter((o) => !seen.has(o.url) && seen.add(o.url));
}

/**
 * "Proxmox: Add Connection" (and Edit): URL → auth kind → token id / user → secret → name, then a test
 * that shows a self-signed certificate's SHA-256 fingerprint for an explicit trust decision. Nothing is
 * saved unless the user gets through all of it.
 */
export async function runConnectionWizard(store: ConnectionStore, log: vscode.LogOutputChannel, existing?: ConnectionSettings): Promise<ConnectionSettings | undefined> {
  const title = existing ? `Edit Proxmox Connection "${existing.name}"` : 'Add Proxmox Connection';
  const offers = existing ? [] : await workspaceOffers();
  const state: { url?: string; auth?: 'token' | 'password'; principal?: string; secret?: string; name?: string } = {
    url: existing?.url,
    auth: existing?.auth,
    principal: existing ? (existing.auth === 'token' ? existing.tokenId : existing.user) : undefined,
    name: existing?.name,
  };
  let step = 1;
  while (step <= TOTAL_STEPS) {
    try {
      if (step === 1) {
        const items: PickItem<string>[] = offers.map((o) => ({
          label: o.url,
          description: o.name,
          detail: `Found in ${o.source} — offered only; nothing connects until you finish this wizard.`,
          value: o.url,
        }));
        if (state.url) items.unshift({ label: state.url, description: 'current', value: state.url });
        const url = await pickStep(title, 1, 'Type the Proxmox VE URL, e.g. https://pve.example.com:8006', items, (typed) => {
          const u = normaliseConnectionUrl(typed);
          return u ? { label: u, description: 'use this URL', value: u, alwaysShow: true } : undefined;
        });
        if (url === undefined) return undefined;
        state.url = url;
      } else if (step === 2) {
        const auth = await pickStep(title, 2, 'How does the extension sign in?', [
          { label: 'API token', description: 'recommended', detail: 'user@realm!tokenid and its secret; can be limited to the privileges it needs', value: 'token' as const },
          { label: 'User and password', detail: 'user@realm and a password (ticket login)', value: 'password' as const },
        ]);
        if (auth === undefined) return undefined;
        state.auth = auth;
      } else if (step === 3) {
        const token = state.auth === 'token';
        const v = await inputStep(title, 3, {
          prompt: token ? 'API token ID (user@realm!tokenid)' : 'User (user@realm)',
          value: state.principal,
          placeholder: token ? 'iac@pve!explorer' : 'root@pam',
          validate: (s) =>
            token
              ? /^[^@\s!]+@[^@\s!]+![A-Za-z][A-Za-z0-9._-]*$/.test(s.trim())
                ? undefined
                : 'Enter the token ID as user@realm!tokenid, e.g. iac@pve!explorer.'
              : /^[^@\s!]+@[^@\s!]+$/.test(s.trim())
                ? undefined
                : 'Enter the user as user@realm, e.g. root@pam.',
        });
        if (v === undefined) return undefined;
        state.principal = v.trim();
      } else if (step === 4) {
        const v = await inputStep(title, 4, {
          prompt: `${state.auth === 'token' ? 'API token secret' : 'Password'} — kept in VS Code's secret storage only${existing ? '; leave empty to keep the stored one' : ''}`,
          password: true,
          validate: (s) => (s || existing ? undefined : 'Enter the secret; it is stored in the secret storage, never in settings.'),
        });
        if (v === undefined) return undefined;
        state.secret = v || undefined;
      } else {
        const v = await inputStep(title, 5, {
          prompt: 'A name for this connection',
          value: state.name ?? new URL(state.url!).hostname,
          validate: (s) => (s.trim() ? undefined : 'Enter a name.'),
        });
        if (v === undefined) return undefined;
        state.name = v.trim();
      }
      step++;
    } catch (err) {
      if (err instanceof WizardBack) step = Math.max(1, step - 1);
      else throw err;
    }
  }
  const secret = state.secret ?? (existing ? await store.secret(existing.id) : undefined);
  if (!secret) return undefined;
  let settings: ConnectionSettings = {
    id: existing?.id ?? store.newId(state.name!),
    name: state.name!,
    url: state.url!,
    auth: state.auth!,
    ...(state.auth === 'token' ? { tokenId: state.principal } : { user: state.principal }),
    ...(existing?.fingerprint && existing.url === state.url ? { fingerprint: existing.fingerprint } : {}),
  };
  const trusted = await decideCertificate(settings);
  if (trusted === undefined) return undefined;
  settings = trusted;
  const tested = await testConnection(settings, secret, log);
  if (!tested) return undefined;
  await store.storeSecret(settings.id, secret);
  await store.save(settings);
  await store.setActive(settings.id);
  void vscode.window.showInformationMessage(`Connected to "${settings.name}" (${tested}).`);
  return settings;
}

/**
 * Looks at the server's certificate. A publicly trusted one needs no decision; otherwise the user sees its
 * SHA-256 fingerprint and must choose "Trust Certificate". Resolves to the settings to save, or undefined.
 */
export async function decideCertificate(c: ConnectionSettings, previous?: string): Promise<ConnectionSettings | undefined> {
  const { probeCertificate } = await import('../../core/pve/tls.js');
  let info: import('../../core/pve/tls.js').CertificateInfo;
  try {
    info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the certificate of ${c.url}…` }, () =>
      probeCertificate(c.url, { timeoutMs: 10_000 }),
    );
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not reach ${c.url}: ${errorMessage(err)}`);
    return undefined;
  }
  if (info.trusted) {
    const { fingerprint: _drop, ...rest } = c;
    return rest;
  }
  if (c.fingerprint && sameFingerprint(c.fingerprint, info.fingerprint)) return c;
  const detail = [
    previous ? `The certificate CHANGED. Trusted before: ${previous}` : `The certificate is not publicly trusted (${info.verificationError ?? 'self-signed'}); Proxmox ships a self-signed one.`,
    `SHA-256 fingerprint: ${info.fingerprint}`,
    `Subject: ${info.subject}; issuer: ${info.issuer}; valid until ${info.validTo}.`,
    'Compare it with `pvenode cert info` on the node before trusting it.',
  ].join('\n\n');
  const choice = await vscode.window.showWarningMessage(`Trust the certificate of ${new URL(c.url).host}?`, { modal: true, detail }, 'Trust Certificate');
  if (choice !== 'Trust Certificate') return undefined;
  return { ...c, fingerprint: info.fingerprint };
}

function sameFingerprint(a: string, b: string): boolean {
  const n = (s: string): string => s.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return n(a) === n(b);
}

/** Calls /version with the new settings; resolves to "PVE 9.1" or undefined after showing why not. */
async function testConnection(c: ConnectionSettings, secret: string, log: vscode.LogOutputChannel): Promise<string | undefined> {
  try {
    const api = await ClientPool.probe(c, secret);
    const v = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Testing the connection to ${c.name}…` }, () => api.version());
    return `Proxmox VE ${v.release || v.version}`;
  } catch (err) {
    log.warn(`Connection test for ${c.name} failed: ${errorMessage(err)}`);
    const choice = await vscode.window.showErrorMessage(`The connection test failed: ${errorMessage(err)}`, { modal: true }, 'Save Anyway');
    return choice === 'Save Anyway' ? 'not verified' : undefined;
  }
}
