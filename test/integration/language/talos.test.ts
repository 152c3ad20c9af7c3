import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, screenshot, workspaceDir } from '../harness';
import { describeDiagnostics, hoverText, isError, positionOf, siteUri, startsAt, waitForDiagnostics } from './util';

/** A talos-cluster cluster.yaml written into the suite's workspace copy (a `seeded-` folder: its mistakes are meant). */
const CLUSTER = `node_cidr: "192.168.1.0/33"
cluster_api_adr: "192.168.1.10"
cluster_pod_cidr: "10.42.0.0/16"
cluster_svc_cidr: "10.42.0.0/16"
cluster_gateway_addr: "192.168.1.11"
repository_name: "me/cluster"
cloudflare_domain: "example.com"
cloudflare_token: "x"
cloudflare_gateway_addr: "192.168.1.12"
`;

describe('talos cluster.yaml checks and hover units', function () {
  this.timeout(90_000);

  before(async () => {
    await activateExtension();
  });

  it('reports /33, identical pod and service CIDRs, and a misspelled key on its own line with "did you mean"', async () => {
    const file = path.join(workspaceDir(), 'seeded-talos', 'cluster.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, CLUSTER);
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const ds = await waitForDiagnostics(uri, (all) => all.filter(isError).length >= 3, 'three errors');
    const at = (needle: string): vscode.Diagnostic | undefined => ds.find((d) => startsAt(d, positionOf(CLUSTER, needle)));
    assert.match(at('"192.168.1.0/33"')?.message ?? '', /prefix length \/33/, describeDiagnostics(ds));
    assert.match(at('cluster_api_adr')?.message ?? '', /^Unknown key 'cluster_api_adr' — did you mean 'cluster_api_addr'\?/, describeDiagnostics(ds));
    assert.match(at('"10.42.0.0/16"')?.message ?? '', /'cluster_pod_cidr' and 'cluster_svc_cidr' are both 10\.42\.0\.0\/16/, describeDiagnostics(ds));
    assert.ok(!ds.some((d) => /Missing required key 'cluster_api_addr'/.test(d.message)), describeDiagnostics(ds));
    await screenshot('talos-cluster-checks');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the manifest hover prints memory in MiB and disk in GiB', async () => {
    const rel = 'manifests/n2-push.yaml';
    const text = fs.readFileSync(siteUri(rel).fsPath, 'utf8');
    const at = positionOf(text, 'name: edge').translate(0, 'name: '.length + 1);
    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', siteUri(rel), at));
    assert.match(hover, /\| memory \| 2048 MiB \|/, hover);
    assert.match(hover, /\| disk \| \d+ GiB \|/, hover);
  });
});
