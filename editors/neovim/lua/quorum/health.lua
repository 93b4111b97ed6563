-- :checkhealth quorum — the binary, the model, the Neovim version and the running clients.
local H = {}

-- 0.10+: vim.health.ok; 0.8–0.9: vim.health.report_ok; 0.7: require("health").report_ok.
local health = vim.health or require("health")
local function call(new, old, ...)
  local fn = health[new] or health[old]
  return fn(...)
end
local function start(msg) call("start", "report_start", msg) end
local function ok(msg) call("ok", "report_ok", msg) end
local function warn(msg, advice) call("warn", "report_warn", msg, advice) end
local function error_(msg, advice) call("error", "report_error", msg, advice) end
local function info(msg) call("info", "report_info", msg) end

function H.check()
  local quorum = require("quorum")
  local config = quorum.config
  start("Quorum")
  local v = vim.version()
  ok(string.format("Neovim %d.%d.%d (0.7 or later is supported)", v.major, v.minor, v.patch))

  local exe = config.cmd and config.cmd[1]
  if exe and vim.fn.executable(exe) == 1 then
    local out = vim.fn.system({ exe, "--version" })
    ok(string.format("%s: %s", vim.fn.exepath(exe), (out:gsub("%s+$", ""))))
  else
    error_(string.format("%s is not executable", tostring(exe)),
      { "Build it with `make release` and put .build/release/quorum on $PATH, or set cmd = { '/path/to/quorum', 'lsp' }" })
  end

  local settings = config.settings or {}
  local model = settings.model and settings.model.path
  local engine = settings.engine and settings.engine.url
  if engine then
    ok("completions from the server at " .. engine)
  elseif model then
    local path = vim.fn.expand(model)
    if vim.fn.filereadable(path) == 1 then ok("model: " .. path) else error_("model.path does not exist: " .. path, { "`make models` installs ~/.cache/quorum/models/gemma3-270m-q4_k_m.gguf" }) end
  else
    warn("no model.path and no engine.url: completions are off (graph commands still work)",
      { "settings = { model = { path = '~/.cache/quorum/models/gemma3-270m-q4_k_m.gguf' } }" })
  end

  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ name = "quorum" }) or vim.lsp.get_active_clients()
  local n = 0
  for _, client in pairs(clients) do
    if client.name == "quorum" then
      n = n + 1
      info(string.format("client %d for %s", client.id, client.config.root_dir or "?"))
    end
  end
  if n == 0 then info("no Quorum client running (open a file of a supported filetype)") end
end

return H
