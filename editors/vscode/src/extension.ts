// Quorum for VS Code: starts `quorum lsp`, passes the `quorum.*` settings through with the server's names,
// shows the model's completions as ghost text (textDocument/inlineCompletion) and adds the graph commands.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  LSPAny,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { serverSettings } from "./settings";

interface GraphEntry { id: string; uri?: string | null; external: boolean; depth: number }
interface GraphNeighbours { files: GraphEntry[] }
interface Cycles { cycles: { ids: string[]; files: string[] }[] }
interface ImportPath { path: string[]; uris: (string | null)[] }
interface InlineItem { insertText: string | { value: string }; range?: { start: { line: number; character: number }; end: { line: number; character: number } } }
interface InlineList { items: InlineItem[] }

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

function properties(context: vscode.ExtensionContext): Record<string, { type?: string | string[] }> {
  return context.extension.packageJSON.contributes.configuration.properties;
}

/** The settings object for the server, built from this extension's own package.json (one list, no drift). */
function currentSettings(context: vscode.ExtensionContext): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration();
  return serverSettings(properties(context), (key) => config.get(key));
}

function makeClient(context: vscode.ExtensionContext): LanguageClient {
  const command = vscode.workspace.getConfiguration("quorum").get<string>("client.serverPath") || "quorum";
  const serverOptions: ServerOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
    initializationOptions: currentSettings(context),
    outputChannel: output,
    middleware: {
      workspace: {
        // The server pulls the section `quorum`: answer with the server's settings only (the editor-only
        // `quorum.client.*` and `quorum.trace.*` would be reported as unknown settings).
        configuration: (params) =>
          params.items.map((item): LSPAny => (item.section === "quorum" ? (currentSettings(context) as LSPAny) : null)),
      },
    },
  };
  return new LanguageClient("quorum", "Quorum", serverOptions, clientOptions);
}

/** Ghost text from the server's textDocument/inlineCompletion (LSP 3.18), through VS Code's own inline UI. */
class InlineProvider implements vscode.InlineCompletionItemProvider {
  async provideInlineCompletionItems(document: vscode.TextDocument, position: vscode.Position,
    context: vscode.InlineCompletionContext, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[]> {
    if (!client || !client.isRunning()) { return []; }
    if (!vscode.workspace.getConfiguration("quorum").get<boolean>("client.inlineCompletions", true)) { return []; }
    const params = {
      textDocument: client.code2ProtocolConverter.asTextDocumentIdentifier(document),
      position: client.code2ProtocolConverter.asPosition(position),
      context: { triggerKind: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke ? 1 : 2 },
    };
    let result: InlineList | InlineItem[] | null;
    try {
      result = await client.sendRequest<InlineList | InlineItem[] | null>("textDocument/inlineCompletion", params, token);
    } catch {
      return []; // cancelled or stale: VS Code asks again
    }
    const items = Array.isArray(result) ? result : result?.items ?? [];
    return items.map((item) => {
      const text = typeof item.insertText === "string" ? item.insertText : item.insertText.value;
      const range = item.range ? client!.protocol2CodeConverter.asRange(item.range) : new vscode.Range(position, position);
      return new vscode.InlineCompletionItem(text, range);
    });
  }
}

function relative(uri: string): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(uri));
}

async function request<T>(method: string, params: object): Promise<T | undefined> {
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage("Quorum is not running.");
    return undefined;
  }
  try {
    return await client.sendRequest<T>(method, params);
  } catch (error) {
    void vscode.window.showErrorMessage(`Quorum: ${method}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** The file a command is about: the one clicked in the explorer, else the active editor's. */
function targetUri(arg?: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) { return arg; }
  if (typeof arg === "string") { return vscode.Uri.parse(arg); }
  if (arg && typeof arg === "object" && "uri" in arg && typeof (arg as { uri: unknown }).uri === "string") {
    return vscode.Uri.parse((arg as { uri: string }).uri);
  }
  return vscode.window.activeTextEditor?.document.uri;
}

/** Dependents or dependencies in a quick pick; picking one opens it. Returns the entries (for tests). */
async function showNeighbours(kind: "dependents" | "dependencies", arg?: unknown): Promise<GraphEntry[] | undefined> {
  const uri = targetUri(arg);
  if (!uri) { return undefined; }
  const result = await request<GraphNeighbours>(`quorum/${kind}`, { uri: uri.toString(), transitive: true });
  if (!result) { return undefined; }
  const name = vscode.workspace.asRelativePath(uri);
  if (result.files.length === 0) {
    void vscode.window.showInformationMessage(`Quorum: no ${kind} of ${name}.`);
    return result.files;
  }
  const picks = result.files.map((f) => ({
    label: f.uri ? relative(f.uri) : f.id,
    description: f.external ? "external module" : f.depth === 1 ? "direct" : `${f.depth} levels away`,
    uri: f.uri ?? undefined,
  }));
  const chosen = await vscode.window.showQuickPick(picks, {
    title: kind === "dependents" ? `Files that import ${name}` : `Files ${name} imports`,
    matchOnDescription: true,
  });
  if (chosen?.uri) { await vscode.window.showTextDocument(vscode.Uri.parse(chosen.uri)); }
  return result.files;
}

async function showCycles(): Promise<void> {
  const result = await request<Cycles>("quorum/cycles", {});
  if (!result) { return; }
  if (result.cycles.length === 0) {
    void vscode.window.showInformationMessage("Quorum: no import cycles.");
    return;
  }
  const picks = result.cycles.map((c) => ({ label: c.ids.join(" → "), uri: c.files[0] }));
  const chosen = await vscode.window.showQuickPick(picks, { title: "Import cycles" });
  if (chosen) { await vscode.window.showTextDocument(vscode.Uri.parse(chosen.uri)); }
}

async function showPath(): Promise<void> {
  const from = vscode.window.activeTextEditor?.document.uri;
  if (!from) { return; }
  const files = await vscode.workspace.findFiles("**/*", "**/node_modules/**", 5000);
  const pick = await vscode.window.showQuickPick(
    files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f.toString() })),
    { title: `Import path from ${vscode.workspace.asRelativePath(from)} to…` });
  if (!pick) { return; }
  const result = await request<ImportPath>("quorum/path", { from: from.toString(), to: pick.uri });
  if (!result) { return; }
  if (result.path.length === 0) {
    void vscode.window.showInformationMessage(`Quorum: ${pick.label} is not reached by imports from this file.`);
    return;
  }
  const steps = result.path.map((id, i) => ({ label: `${i + 1}. ${id}`, uri: result.uris[i] ?? undefined }));
  const chosen = await vscode.window.showQuickPick(steps, { title: "Import path" });
  if (chosen?.uri) { await vscode.window.showTextDocument(vscode.Uri.parse(chosen.uri)); }
}

/** Shows a JSON answer in a read-only document beside the editor. */
async function showJSON(method: string, params: object): Promise<void> {
  const result = await request<unknown>(method, params);
  if (result === undefined) { return; }
  const doc = await vscode.workspace.openTextDocument({ language: "json", content: JSON.stringify(result, null, 2) });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

// Command ids are the extension's own (`quorum.dependents`…), never a server command name such as
// `quorum.showDependents`: vscode-languageclient registers every command the server lists in
// executeCommandProvider, and registering an id twice fails.

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Quorum");
  client = makeClient(context);
  const selector: vscode.DocumentSelector = [{ scheme: "file" }, { scheme: "untitled" }];
  context.subscriptions.push(
    output,
    vscode.languages.registerInlineCompletionItemProvider(selector, new InlineProvider()),
    vscode.commands.registerCommand("quorum.dependents", (arg?: unknown) => showNeighbours("dependents", arg)),
    vscode.commands.registerCommand("quorum.dependencies", (arg?: unknown) => showNeighbours("dependencies", arg)),
    vscode.commands.registerCommand("quorum.cycles", showCycles),
    vscode.commands.registerCommand("quorum.path", showPath),
    vscode.commands.registerCommand("quorum.stats", () => showJSON("quorum/stats", {})),
    vscode.commands.registerCommand("quorum.status", () => showJSON("quorum/status", {})),
    vscode.commands.registerCommand("quorum.explain", () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !client) { return; }
      return showJSON("quorum/explain", {
        textDocument: { uri: editor.document.uri.toString() },
        position: client.code2ProtocolConverter.asPosition(editor.selection.active),
      });
    }),
    vscode.commands.registerCommand("quorum.restart", async () => {
      await client?.stop();
      client = makeClient(context);
      await client.start();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration("quorum") || !client?.isRunning()) { return; }
      if (e.affectsConfiguration("quorum.client.serverPath")) {
        void vscode.commands.executeCommand("quorum.restart");
        return;
      }
      // The whole section, as the server expects from a push (it replaces the previous one).
      void client.sendNotification("workspace/didChangeConfiguration", { settings: { quorum: currentSettings(context) } });
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
