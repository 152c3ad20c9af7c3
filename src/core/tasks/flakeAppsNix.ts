/**
 * A flake's app names from Nix itself, without a store or network: `nix-instantiate` (the same restricted,
 * time-bounded evaluation as hosts.nix, see core/iac/nix/evaluate.ts) imports `flake.nix` and calls its
 * `outputs` with stand-in inputs. Only the names under `apps.<system>` are asked for, so the apps' values (the
 * derivations, which would need nixpkgs) are never evaluated.
 *
 * The stand-ins carry a small `lib` with what shapes a flake's outputs: flake-utils' `eachSystem`,
 * `eachDefaultSystem` and `mkApp`, nixpkgs' `lib.genAttrs` and `lib.systems.flakeExposed`. A flake that needs
 * more of its inputs to say which apps it has (flake-parts' `mkFlake`, `import nixpkgs { … }` in the
 * structure, the nix-systems list) fails to evaluate here; the caller then reads the files (flakeAppsStatic.ts).
 */
import { join } from 'node:path';
import { evaluateNixText, type NixEvalOptions } from '../iac/nix/evaluate';

/** Either the names for one system, or why Nix could not list them. */
export type NixAppListing = { readonly kind: 'listed'; readonly system: string; readonly names: readonly string[] } | { readonly kind: 'failed'; readonly reason: string };

/** Stand-in library functions: structure only; every app value stays an unevaluated thunk. */
const STUB_LIB = `
  systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
  genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
  eachSystem = ss: f: builtins.foldl' (acc: s: let r = f s; in acc // builtins.mapAttrs (k: v: (acc.\${k} or { }) // { \${s} = v; }) r) { } ss;
  lib = {
    inherit genAttrs eachSystem;
    eachDefaultSystem = eachSystem systems;
    eachDefaultSystemMap = genAttrs systems;
    defaultSystems = systems;
    allSystems = systems;
    systems = { flakeExposed = systems; };
    mkApp = { drv, ... }: { type = "app"; program = "\${drv}"; };
    optionalAttrs = c: a: if c then a else { };
    recursiveUpdate = a: b: a // b;
  };
  stub = name: { outPath = "/proxmox-iac-stub/\${name}"; inherit lib; inputs = { }; _type = "flake"; };`;

/**
 * The expression: `flake.outputs` applied to a stand-in for each declared input and each argument the
 * function names, `self` being the result itself; the current system's apps (else the first system's).
 */
const LIST_APPS = `let
  flake = import ./flake.nix;
  ${STUB_LIB}
  names = (builtins.functionArgs flake.outputs) // (flake.inputs or { });
  inputs = builtins.mapAttrs (n: _: stub n) names;
  self = outputs // { outPath = "/proxmox-iac-stub/self"; inherit inputs; _type = "flake"; };
  outputs = flake.outputs (inputs // { inherit self; });
  apps = outputs.apps or { };
  system = if apps ? \${builtins.currentSystem} || builtins.attrNames apps == [ ] then builtins.currentSystem else builtins.head (builtins.attrNames apps);
in { inherit system; names = builtins.attrNames (apps.\${system} or { }); }`;

/** Evaluates `<dir>/flake.nix`'s outputs with stand-in inputs (Nix reads only inside `dir`, see evalBoundary.ts). */
export async function listFlakeAppsWithNix(dir: string, options: NixEvalOptions = {}): Promise<NixAppListing> {
  const result = await evaluateNixText(join(dir, 'flake.nix'), LIST_APPS, { ...options, allowedPaths: options.allowedPaths ?? [dir] });
  switch (result.kind) {
    case 'ok': {
      const { system, names } = result.value;
      if (typeof system !== 'string' || !Array.isArray(names) || !names.every((n): n is string => typeof n === 'string')) return { kind: 'failed', reason: 'the evaluation did not return app names' };
      return { kind: 'listed', system, names };
    }
    case 'error':
      return { kind: 'failed', reason: `Nix could not evaluate the flake's outputs with stand-in inputs (${result.error.message})` };
    case 'timeout':
      return { kind: 'failed', reason: `Nix took longer than ${result.timeoutMs} ms` };
    case 'not-installed':
      return { kind: 'failed', reason: 'nix-instantiate is not installed' };
    case 'cancelled':
      return { kind: 'failed', reason: 'cancelled' };
    case 'not-attrs':
      return { kind: 'failed', reason: `the evaluation returned a ${result.type}` };
  }
}
