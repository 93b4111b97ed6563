// @ts-check
// The settings object sent to the server, built from the extension's own package.json: every `quorum.*`
// property except the editor-only ones, nested by its dots (`quorum.model.path` -> {model: {path}}). Plain
// JavaScript checked by TypeScript (allowJs + checkJs) so the end-to-end test can run it with node as it is.
"use strict";

/** Prefixes of editor-only settings, never sent to the server. */
const CLIENT_ONLY = ["quorum.client.", "quorum.trace."];

/**
 * @param {string} key a configuration key such as `quorum.model.path`
 * @returns {boolean}
 */
function isServerSetting(key) {
  return key.startsWith("quorum.") && !CLIENT_ONLY.some((prefix) => key.startsWith(prefix));
}

/**
 * @param {Record<string, unknown>} target
 * @param {string[]} path
 * @param {unknown} value
 */
function setPath(target, path, value) {
  /** @type {Record<string, unknown>} */
  let node = target;
  for (const part of path.slice(0, -1)) {
    if (typeof node[part] !== "object" || node[part] === null) { node[part] = {}; }
    node = /** @type {Record<string, unknown>} */ (node[part]);
  }
  node[path[path.length - 1]] = value;
}

/**
 * The server's settings from the configuration.
 *
 * A `null` is sent for settings whose type allows it (the server reads it as "none", e.g. no model); an empty
 * or `null` value of a setting that does not allow `null` (`cacheDir`) is left out, so the server's default
 * applies.
 *
 * @param {Record<string, {type?: string | string[]}>} properties package.json's configuration properties
 * @param {(key: string) => unknown} get the configuration value of a key (VS Code: configuration.get)
 * @returns {Record<string, unknown>}
 */
function serverSettings(properties, get) {
  /** @type {Record<string, unknown>} */
  const settings = {};
  for (const key of Object.keys(properties).sort()) {
    if (!isServerSetting(key)) { continue; }
    let value = get(key);
    if (value === undefined) { continue; }
    const type = properties[key].type;
    const nullable = Array.isArray(type) ? type.includes("null") : type === "null";
    if (value === null || value === "") {
      if (!nullable) { continue; }
      value = null;
    }
    setPath(settings, key.slice("quorum.".length).split("."), value);
  }
  return settings;
}

module.exports = { CLIENT_ONLY, isServerSetting, serverSettings };
