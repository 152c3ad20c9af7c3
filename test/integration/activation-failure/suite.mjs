// Same workspace as the activation suite, but the extension is told to fail while activating
// (src/extension.ts honours PROXMOX_IAC_TEST_FAIL_ACTIVATION), to check the user is told.
export const workspace = 'test/fixtures/activation';

export async function setup() {
  return { env: { PROXMOX_IAC_TEST_FAIL_ACTIVATION: '1' } };
}
