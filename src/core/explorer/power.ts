import type { Guest, PowerAction } from '../pve/types';

/** How each power action is named in titles, progress and results. */
export const POWER_WORDS: Record<PowerAction, { readonly title: string; readonly verb: string; readonly done: string }> = {
  start: { title: 'Start', verb: 'Starting', done: 'started' },
  shutdown: { title: 'Shut Down', verb: 'Shutting down', done: 'shut down' },
  stop: { title: 'Stop', verb: 'Stopping', done: 'stopped' },
  reboot: { title: 'Reboot', verb: 'Rebooting', done: 'rebooted' },
  suspend: { title: 'Suspend', verb: 'Suspending', done: 'suspended' },
  resume: { title: 'Resume', verb: 'Resuming', done: 'resumed' },
};

/** `web (VMID 101)`, or `VMID 101` for a guest without a name. */
export function guestWho(g: Pick<Guest, 'name' | 'vmid'>): string {
  return g.name ? `${g.name} (VMID ${g.vmid})` : `VMID ${g.vmid}`;
}

function isPaused(g: Guest): boolean {
  return g.status === 'paused' || g.status === 'suspended';
}

/** Whether a power action makes sense for the guest now (pickers list only these; the menus match them). */
export function powerAppliesTo(action: PowerAction, g: Guest): boolean {
  if (g.template) return false;
  switch (action) {
    case 'start':
      return g.status === 'stopped';
    case 'shutdown':
    case 'reboot':
      return g.status === 'running';
    case 'suspend':
      return g.type === 'qemu' && g.status === 'running';
    case 'resume':
      return isPaused(g);
    case 'stop':
      return g.status === 'running' || isPaused(g);
  }
}

/** Why an action does not apply, as a sentence with what to do instead; undefined when it applies. */
export function powerNotApplicable(action: PowerAction, g: Guest): string | undefined {
  if (powerAppliesTo(action, g)) return undefined;
  const who = guestWho(g);
  if (g.template) return `${who} is a template; templates cannot be started or stopped. Clone it to get a guest you can run.`;
  const state = g.status === 'suspended' ? 'suspended' : g.status;
  if (action === 'suspend' && g.type === 'lxc') return `${who} is a container; only virtual machines can be suspended from here.`;
  if (isPaused(g) && action !== 'start') return `${who} is ${state}. Resume it first (Resume in its menu), or Stop it.`;
  if (action === 'start') return `${who} is already ${state}.`;
  return `${who} is ${state}, so "${POWER_WORDS[action].title}" does not apply.`;
}

/** The one modal question before a power action; the button's text is the action's title. */
export interface PowerConfirmation {
  readonly message: string;
  readonly detail: string;
  readonly button: string;
}

/**
 * The confirmation a power action asks for, naming the guest and its node, or undefined when it asks none.
 * Shut Down and Reboot ask unless `proxmoxIac.explorer.confirmPowerActions` is off; Stop and Suspend always
 * ask (Stop loses unsaved data; Suspend freezes the guest until someone resumes it). Start and Resume
 * never ask, as in Proxmox's web UI.
 */
export function powerConfirmation(action: PowerAction, g: Guest, confirmShutdownReboot: boolean): PowerConfirmation | undefined {
  const who = guestWho(g);
  const kind = g.type === 'lxc' ? 'container' : 'VM';
  switch (action) {
    case 'start':
    case 'resume':
      return undefined;
    case 'shutdown':
      return confirmShutdownReboot
        ? {
            message: `Shut down ${who} on node ${g.node}?`,
            detail: `The ${kind}'s operating system is asked to shut down cleanly; its services stop until it is started again.`,
            button: POWER_WORDS.shutdown.title,
          }
        : undefined;
    case 'reboot':
      return confirmShutdownReboot
        ? {
            message: `Reboot ${who} on node ${g.node}?`,
            detail: `The ${kind}'s operating system is asked to restart; its services are unavailable until it is back up.`,
            button: POWER_WORDS.reboot.title,
          }
        : undefined;
    case 'suspend':
      return {
        message: `Suspend ${who} on node ${g.node}?`,
        detail: 'The VM is paused in memory: it stops running and answers nothing until it is resumed (Resume in its menu).',
        button: POWER_WORDS.suspend.title,
      };
    case 'stop':
      return {
        message: `Stop ${who} immediately?`,
        detail: `Stop is like pulling the power cord of ${who} on node ${g.node}; unsaved data in the guest is lost. Use Shut Down for a clean shutdown.`,
        button: POWER_WORDS.stop.title,
      };
  }
}
