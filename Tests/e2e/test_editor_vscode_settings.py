"""The VS Code extension's settings (editors/vscode/package.json) match the server's settings schema exactly.

The object sent to the server is built by the extension's own code (editors/vscode/src/settings.js, run here
with node), from package.json's defaults and from example values. The server must accept every one without a
"setting … is ignored" warning and echo it in quorum/status; every setting the server reports has a
package.json entry; the ranges and nullability in package.json are the server's.
"""

import json
import os
import shutil
import subprocess

import pytest
from pytest_lsp import LanguageClient
from lsprotocol import types

from conftest import ROOT, as_plain, field, init_params, request, within

VSCODE = ROOT / "editors" / "vscode"
PACKAGE = json.loads((VSCODE / "package.json").read_text())
PROPERTIES = PACKAGE["contributes"]["configuration"]["properties"]
NODE = shutil.which("node")

# A value other than the default for every server setting; a new server setting needs one here (and an entry in
# package.json, which the reverse check below asks for).
EXAMPLES = {
    "quorum.model.path": "/nonexistent/model.gguf",
    "quorum.model.contextSize": 2048,
    "quorum.model.threads": 3,
    "quorum.engine.url": "http://127.0.0.1:9",
    "quorum.engine.model": "some-model",
    "quorum.engine.apiKeyEnv": "QUORUM_TEST_KEY",
    "quorum.engine.timeout": 7,
    "quorum.engine.useInfill": True,
    "quorum.completion.maxTokens": 17,
    "quorum.completion.candidates": 2,
    "quorum.cacheDir": "/tmp/quorum-vscode-settings-test",
    "quorum.languages": {"json": False, "python": True},
    "quorum.exclude": ["**/node_modules/**", "build/**"],
}

pytestmark = pytest.mark.skipif(NODE is None, reason="node is needed to run the extension's settings code")


def extension_settings(values: dict) -> dict:
    """What the extension sends for these configuration values (package.json defaults for the rest)."""
    script = ("const s = require(process.argv[1]);"
              "const p = require(process.argv[2]).contributes.configuration.properties;"
              "const v = JSON.parse(process.argv[3]);"
              "process.stdout.write(JSON.stringify(s.serverSettings(p, (k) => (k in v ? v[k] : p[k].default))));")
    out = subprocess.run([NODE, "-e", script, str(VSCODE / "src" / "settings.js"), str(VSCODE / "package.json"),
                          json.dumps(values)], capture_output=True, text=True, check=True, timeout=30)
    return json.loads(out.stdout)


def server_keys() -> list[str]:
    out = subprocess.run([NODE, "-e", "const s = require(process.argv[1]);"
                          "const p = require(process.argv[2]).contributes.configuration.properties;"
                          "process.stdout.write(JSON.stringify(Object.keys(p).filter(s.isServerSetting)));",
                          str(VSCODE / "src" / "settings.js"), str(VSCODE / "package.json")],
                         capture_output=True, text=True, check=True, timeout=30)
    return sorted(json.loads(out.stdout))


def leaves(settings: dict, known: set, prefix: str = "quorum.") -> dict:
    """Flattens the server's settings to dotted keys, stopping at keys package.json has as a whole (maps, lists)."""
    flat = {}
    for key, value in settings.items():
        name = prefix + key
        if isinstance(value, dict) and name not in known:
            flat.update(leaves(value, known, name + "."))
        else:
            flat[name] = value
    return flat


def setting_warnings(client: LanguageClient) -> list[str]:
    return [m.message for m in client.messages if "setting `" in m.message]


async def status_settings(client: LanguageClient) -> dict:
    return as_plain(field(await request(client, "quorum/status"), "settings"))


def test_every_setting_has_an_example_and_a_description():
    keys = server_keys()
    assert set(keys) == set(EXAMPLES), "EXAMPLES and package.json disagree"
    for key in PROPERTIES:
        entry = PROPERTIES[key]
        assert "default" in entry, f"{key} has no default"
        assert entry.get("markdownDescription") or entry.get("description"), f"{key} has no description"
        assert key.startswith("quorum."), key


async def test_package_defaults_are_accepted_and_echoed(client: LanguageClient):
    defaults = extension_settings({})
    await within(client.initialize_session(init_params(initialization_options=defaults)))
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"quorum": defaults}))
    effective = await status_settings(client)
    assert setting_warnings(client) == []
    flat = leaves(effective, set(PROPERTIES))
    for key in server_keys():
        default = PROPERTIES[key]["default"]
        if default is None or default == "":
            continue  # null / empty: the server's own default (no model, the cache directory of the environment)
        assert flat[key] == default, f"{key}: package.json default {default!r}, server has {flat.get(key)!r}"


async def test_examples_are_accepted_and_every_server_setting_is_in_package_json(client: LanguageClient):
    sent = extension_settings(EXAMPLES)
    await within(client.initialize_session(init_params(initialization_options=sent)))
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"quorum": sent}))
    effective = await status_settings(client)
    assert setting_warnings(client) == [], setting_warnings(client)
    flat = leaves(effective, set(PROPERTIES))
    # Reverse: every setting the server has (all set, so none is left out as null) is a package.json setting.
    assert sorted(flat) == server_keys(), f"server {sorted(flat)} vs package.json {server_keys()}"
    for key, value in EXAMPLES.items():
        assert flat[key] == value, f"{key}: sent {value!r}, server has {flat[key]!r}"


async def test_ranges_and_nullability_match_the_server(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    expected_warnings = 0
    for key in server_keys():
        entry = PROPERTIES[key]
        path = key[len("quorum."):].split(".")

        def push(value):
            nested = value
            for part in reversed(path):
                nested = {part: nested}
            client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"quorum": nested}))

        name = key[len("quorum."):]
        if entry["type"] == "integer":
            for bound in ("minimum", "maximum"):
                assert bound in entry, f"{key} has no {bound}"
            # The bounds themselves are accepted; one past either is refused and named.
            for good in (entry["minimum"], entry["maximum"]):
                push(good)
                await status_settings(client)
                assert len(setting_warnings(client)) == expected_warnings, (key, good, setting_warnings(client))
            for bad in (entry["minimum"] - 1, entry["maximum"] + 1):
                push(bad)
                await status_settings(client)
                expected_warnings += 1
                warnings = setting_warnings(client)
                assert len(warnings) == expected_warnings and f"`{name}`" in warnings[-1], (key, bad, warnings)
        types_ = entry["type"] if isinstance(entry["type"], list) else [entry["type"]]
        if "null" in types_:
            push(None)  # package.json lets the user set null: the server must take it
            await status_settings(client)
            assert len(setting_warnings(client)) == expected_warnings, (key, setting_warnings(client))
    # Leave the server in a state that shuts down quickly.
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"quorum": {}}))
    await status_settings(client)


TSC = shutil.which("tsc")


@pytest.mark.skipif(TSC is None, reason="tsc not installed (Debian's node-typescript; make test-editors installs it)")
def test_extension_sources_check():
    """Without the npm registry the extension cannot be built here; check what can be: settings.js type-checks
    (strict, checkJs) and extension.ts parses."""
    subprocess.run([TSC, "--noEmit", "--allowJs", "--checkJs", "--strict", "--target", "es2022", "--module", "commonjs",
                    str(VSCODE / "src" / "settings.js")], check=True, capture_output=True, text=True, timeout=120)
    script = ("const ts = require('typescript');"
              "const src = require('fs').readFileSync(process.argv[1], 'utf8');"
              "const out = ts.transpileModule(src, {reportDiagnostics: true, compilerOptions: "
              "{module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022}});"
              "process.stdout.write(JSON.stringify(out.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\\n'))));")
    env = dict(os.environ, NODE_PATH="/usr/share/nodejs:/usr/lib/node_modules")
    out = subprocess.run([NODE, "-e", script, str(VSCODE / "src" / "extension.ts")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [], out.stdout


def test_commands_are_declared_and_registered():
    """Every command in package.json is registered by extension.ts and the other way round, and none uses a
    `quorum.show…` id that the server may list in executeCommandProvider (registering an id twice fails)."""
    import re
    declared = {c["command"] for c in PACKAGE["contributes"]["commands"]}
    source = (VSCODE / "src" / "extension.ts").read_text()
    registered = set(re.findall(r'registerCommand\("([^"]+)"', source))
    assert declared == registered, (declared, registered)
    for menu in PACKAGE["contributes"].get("menus", {}).values():
        for entry in menu:
            assert entry["command"] in declared, entry
    assert not [c for c in declared if c.startswith("quorum.show")], declared
