import * as vscode from 'vscode';
import { findOfferedEndpoints, normaliseConnectionUrl, type OfferedEndpoint } from '../../core/explorer/offers';
import { errorMessage } from '../util/log';
import { certificateDecision } from './certificate';
import { ClientPool } from './clients';
import { inputStep, pickStep, WizardBack, type PickItem } from './steps';
import type { ConnectionSettings, ConnectionStore } from './store';

const TOTAL_STEPS = 5;

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

/** What the URL step resolves to: a URL to use, or "edit that existing connection instead". */
type UrlChoice = { readonly url: string } | { readonly edit: ConnectionSettings };

interface Answers {
  url?: string;
  auth?: 'token' | 'password';
  principal?: string;
  secret?: string;
  name?: string;
}

/** Step 1: offered endpoints, the typed URL, and a message when the typed text is no URL or a duplicate. */
function urlStep(title: string, state: Answers, offers: readonly OfferedEndpoint[], store: ConnectionStore, existing?: ConnectionSettings): Promise<UrlChoice | undefined> {
  const duplicateOf = (url: string): ConnectionSettings | undefined => store.list().find((c) => c.id !== existing?.id && normaliseConnectionUrl(c.url) === url);
  const choice = (url: string, label: string, extra: Omit<PickItem<UrlChoice>, 'label' | 'value'>): PickItem<UrlChoice> => {
    const dup = duplicateOf(url);
    return dup
      ? { label: `$(edit) Edit "${dup.name}"`, description: url, detail: `A connection to ${url} exists already ("${dup.name}"); a cluster is added once. Choose this to edit it.`, value: { edit: dup } }
      : { ...extra, label, value: { url } };
  };
  const items = offers.map((o) =>
    choice(o.url, o.url, { description: o.name, detail: `Found in ${o.source} — offered only; nothing connects until you finish this wizard.` }),
  );
  if (state.url) items.unshift({ label: state.url, description: 'current', value: { url: state.url } });
  return pickStep({ title, step: 1, totalSteps: TOTAL_STEPS }, 'Type the Proxmox VE URL, e.g. https://pve.example.com:8006', items, {
    typed: (typed) => {
      const url = normaliseConnectionUrl(typed);
      if (!url) {
        return [
          {
            label: `$(error) "${typed.trim()}" is not a Proxmox VE URL`,
            detail: 'Type the host name or address, optionally with https:// and a port (default 8006), e.g. https://pve.example.com:8006. Only https is supported; no user name in the URL.',
          },
        ];
      }
      return [choice(url, url, { description: 'use this URL' })];
    },
    active: (i) => i.description === 'current',
  });
}

function principalCheck(token: boolean): (s: string) => string | undefined {
  return (s) =>
    token
      ? /^[^@\s!]+@[^@\s!]+![A-Za-z][A-Za-z0-9._-]*$/.test(s.trim())
        ? undefined
        : 'Enter the token ID as user@realm!tokenid, e.g. iac@pve!explorer.'
      : /^[^@\s!]+@[^@\s!]+$/.test(s.trim())
        ? undefined
        : 'Enter the user as user@realm, e.g. root@pam.';
}

/**
 * Asks the five steps from `from` on, keeping every answer in `state` (Back goes one step back with its answer
 * shown again). Resolves to false when the user cancels, or to the connection to edit instead when the URL
 * belongs to one that exists.
 */
async function askSteps(title: string, state: Answers, from: number, offers: readonly OfferedEndpoint[], store: ConnectionStore, existing?: ConnectionSettings): Promise<boolean | ConnectionSettings> {
  const at = (step: number) => ({ title, step, totalSteps: TOTAL_STEPS });
  let step = from;
  while (step <= TOTAL_STEPS) {
    try {
      if (step === 1) {
        const chosen = await urlStep(title, state, offers, store, existing);
        if (chosen === undefined) return false;
        if ('edit' in chosen) return chosen.edit;
        state.url = chosen.url;
      } else if (step === 2) {
        const items: PickItem<'token' | 'password'>[] = [
          { label: 'API token', description: 'recommended', detail: 'user@realm!tokenid and its secret; can be limited to the privileges it needs', value: 'token' },
          { label: 'User and password', detail: 'user@realm and a password (ticket login)', value: 'password' },
        ];
        const auth = await pickStep(at(2), 'How does the extension sign in?', items, { active: (i) => i.value === state.auth });
        if (auth === undefined) return false;
        state.auth = auth;
      } else if (step === 3) {
        const token = state.auth === 'token';
        const v = await inputStep(at(3), {
          prompt: token ? 'API token ID (user@realm!tokenid)' : 'User (user@realm)',
          value: state.principal,
          placeholder: token ? 'iac@pve!explorer' : 'root@pam',
          validate: principalCheck(token),
        });
        if (v === undefined) return false;
        state.principal = v.trim();
      } else if (step === 4) {
        const v = await inputStep(at(4), {
          prompt: `${state.auth === 'token' ? 'API token secret' : 'Password'} — kept in VS Code's secret storage only${existing ? '; leave empty to keep the stored one' : ''}`,
          // Kept (masked) when the user comes back to this step, so Back and a retry lose nothing.
          value: state.secret,
          password: true,
          validate: (s) => (s || existing ? undefined : 'Enter the secret; it is stored in the secret storage, never in settings.'),
        });
        if (v === undefined) return false;
        state.secret = v || undefined;
      } else {
        const v = await inputStep(at(5), {
          prompt: 'A name for this connection',
          value: state.name ?? new URL(state.url!).hostname,
          validate: (s) => (s.trim() ? undefined : 'Enter a name.'),
        });
        if (v === undefined) return false;
        state.name = v.trim();
      }
      step++;
    } catch (err) {
      if (err instanceof WizardBack) step = Math.max(1, step - 1);
      else throw err;
    }
  }
  return true;
}

/**
 * "Proxmox: Add Connection" (and Edit): URL → auth kind → token id / user → secret → name, then the server
 * certificate (an explicit trust decision for a self-signed one) and a test login. Nothing is saved unless the
 * user gets through all of it; a failed test goes back to the steps with every answer kept.
 */
export async function runConnectionWizard(store: ConnectionStore, log: vscode.LogOutputChannel, existing?: ConnectionSettings): Promise<ConnectionSettings | undefined> {
  const title = existing ? `Edit Proxmox Connection "${existing.name}"` : 'Add Proxmox Connection';
  const offers = existing ? [] : await workspaceOffers();
  const state: Answers = {
    url: existing?.url,
    auth: existing?.auth,
    principal: existing ? (existing.auth === 'token' ? existing.tokenId : existing.user) : undefined,
    name: existing?.name,
  };
  let from = 1;
  for (;;) {
    const asked = await askSteps(title, state, from, offers, store, existing);
    if (asked === false) return undefined;
    if (asked !== true) return runConnectionWizard(store, log, asked);
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
    let decision: Awaited<ReturnType<typeof certificateDecision>>;
    try {
      decision = await certificateDecision(settings, { back: true });
    } catch (err) {
      if (!(err instanceof WizardBack)) throw err;
      from = TOTAL_STEPS;
      continue;
    }
    if (decision.unreachable) {
      // Most often a typo in the URL: back to it, every answer kept.
      void vscode.window.showErrorMessage(`${decision.unreachable.replace(/[.\s]*$/, '.')} Check the URL.`);
      from = 1;
      continue;
    }
    if (!decision.settings) return undefined;
    settings = decision.settings;
    const tested = await testConnection(settings, secret, log);
    if (tested.retryFrom !== undefined) {
      from = tested.retryFrom;
      continue;
    }
    if (!tested.version) return undefined;
    await store.storeSecret(settings.id, secret);
    await store.save(settings);
    await store.setActive(settings.id);
    void vscode.window.showInformationMessage(`Connected to "${settings.name}" (${tested.version}).`);
    return settings;
  }
}

/**
 * Calls /version with the new settings. On failure the safe choice comes first (back to the wizard with the
 * answers kept: at the token step after a rejected login, else at the URL), "Save Anyway" second; closing the
 * dialog also goes back rather than throwing the answers away.
 */
async function testConnection(c: ConnectionSettings, secret: string, log: vscode.LogOutputChannel): Promise<{ version?: string; retryFrom?: number }> {
  try {
    const api = await ClientPool.probe(c, secret);
    const v = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Testing the connection to ${c.name}…` }, () => api.version());
    return { version: `Proxmox VE ${v.release || v.version}` };
  } catch (err) {
    log.warn(`Connection test for ${c.name} failed: ${errorMessage(err)}`);
    const rejected = (err as { status?: number }).status === 401;
    const back = rejected ? 'Correct the Token or Password' : 'Correct the URL';
    const choice = await vscode.window.showErrorMessage(
      `The connection test failed: ${errorMessage(err)}`,
      { modal: true, detail: 'Your answers are kept. Save Anyway stores the connection unverified.' },
      back,
      'Save Anyway',
    );
    if (choice === 'Save Anyway') return { version: 'not verified' };
    return { retryFrom: rejected ? 3 : 1 };
  }
}
