import * as vscode from 'vscode';
import { guestWho, POWER_WORDS, powerAppliesTo, powerConfirmation, powerNotApplicable } from '../../core/explorer';
import type { PowerAction } from '../../core/pve/types';
import type { Config } from '../util/config';
import { afterAction, guestTarget, mayModify, refOf } from './guestTarget';
import type { Element, ExplorerProvider } from './provider';
import type { TaskRunner } from './tasks';

export const CONFIRM_POWER_SETTING = 'explorer.confirmPowerActions';

/**
 * Start, Shut Down, Stop, Reboot, Suspend, Resume: from a row (menu or inline button) or the palette, where
 * the picker lists only the guests the action applies to. Everything but Start and Resume asks first, in one
 * modal naming the guest and its node (`proxmoxIac.explorer.confirmPowerActions` turns it off for Shut
 * Down and Reboot).
 */
export async function runPowerAction(provider: ExplorerProvider, tasks: TaskRunner, config: Config, action: PowerAction, el?: Element): Promise<void> {
  const p = POWER_WORDS[action];
  const t = await guestTarget(provider, el, (g) => powerAppliesTo(action, g));
  if (!t || !mayModify(provider, t, p.title)) return;
  const why = powerNotApplicable(action, t.guest);
  if (why) {
    void vscode.window.showWarningMessage(why);
    return;
  }
  const ask = powerConfirmation(action, t.guest, config.get<boolean>(CONFIRM_POWER_SETTING, true));
  if (ask) {
    const ok = await vscode.window.showWarningMessage(ask.message, { modal: true, detail: ask.detail }, ask.button);
    if (ok !== ask.button) return;
  }
  const api = await provider.api(t.state);
  const who = guestWho(t.guest);
  await tasks.run(api, `${p.verb} ${who}`, (signal) => api.power(refOf(t.guest), action, { signal }), `${who} ${p.done}.`);
  await afterAction(provider, t);
}
