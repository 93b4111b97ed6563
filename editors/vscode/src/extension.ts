// Quorum for VS Code: starts `quorum lsp`, passes the settings through, and adds the graph commands.
// Inline completions come from the server's textDocument/inlineCompletion through vscode-languageclient 9.
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The server's settings object, read from the `quorum.*` configuration with the server's names. */
function settings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration("quorum");
  return {
    model: { path: c.get<string | null>("model.path"), contextSize: c.get<number>("model.contextSize"), threads: c.get<number | null>("model.threads") },
    cacheDir: c.get<string | null>("cacheDir"),
    languages: c.get<Record<string, boolean>>("languages"),
    exclude: c.get<string[]>("exclude"),
  };
}

async function showFiles(title: string, method: string, transitive: boolean): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor) { return; }
  const result = await client.sendRequest<{ files?: { uri: string }[] }>(method, { uri: editor.document.uri.toString(), transitive });
  const picks = (result.files ?? []).map((f) => ({ label: vscode.workspace.asRelativePath(vscode.Uri.parse(f.uri)), uri: f.uri }));
  const chosen = await vscode.window.showQuickPick(picks, { title });
  if (chosen) { await vscode.window.showTextDocument(vscode.Uri.parse(chosen.uri)); }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace.getConfiguration("quorum").get<string>("serverPath") ?? "quorum";
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file" }],
    initializationOptions: settings(),
    synchronize: { configurationSection: "quorum" },
  };
  client = new LanguageClient("quorum", "Quorum", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("quorum.showDependents", () => showFiles("Files that depend on this file", "quorum/dependents", true)),
    vscode.commands.registerCommand("quorum.showDependencies", () => showFiles("Dependencies of this file", "quorum/dependencies", true)),
    vscode.commands.registerCommand("quorum.showCycles", async () => {
      const result = await client?.sendRequest<{ cycles: { files: string[] }[] }>("quorum/cycles", {});
      const lines = (result?.cycles ?? []).map((c) => c.files.map((u) => vscode.workspace.asRelativePath(vscode.Uri.parse(u))).join(" → "));
      vscode.window.showInformationMessage(lines.length ? lines.join("\n") : "No import cycles.");
    }),
    vscode.commands.registerCommand("quorum.showStats", async () => {
      const stats = await client?.sendRequest("quorum/stats", {});
      vscode.window.showInformationMessage(JSON.stringify(stats));
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("quorum")) { client?.sendNotification("workspace/didChangeConfiguration", { settings: settings() }); }
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
