-- User commands for the dependency graph, statistics and the model actions. Each command has a Lua function
-- behind it (require("quorum.commands").dependents{...}) that takes a `done(result)` callback, for mappings
-- and tests.
local C = {}

local function notify(message, level) vim.notify("Quorum: " .. message, level or vim.log.levels.INFO) end

--- Sends a Quorum request for the current buffer and calls `handle(result)` on success. `done`, when given,
--- is called last with the result (nil on error).
local function request(plugin, method, params, handle, done)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = plugin.client(bufnr)
  if not client then
    notify("not running in this buffer (require('quorum').setup{} and a supported filetype)", vim.log.levels.WARN)
    return done and done(nil)
  end
  plugin.call(client, "request", method, params, function(err, result)
    if err then
      notify(method .. ": " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return done and done(nil)
    end
    handle(result)
    if done then done(result) end
  end, bufnr)
end

local function relative(uri, id)
  if not uri then return id end
  return vim.fn.fnamemodify(vim.uri_to_fname(uri), ":~:.")
end

--- Sets the quickfix list (files on line 1; external modules as text-only entries) and opens it.
local function to_quickfix(title, entries, open)
  vim.fn.setqflist({}, " ", { title = title, items = entries })
  if open ~= false then vim.cmd("botright copen") end
end

local function file_entries(files)
  local items = {}
  for _, f in ipairs(files or {}) do
    if f.uri and f.uri ~= vim.NIL then
      table.insert(items, { filename = vim.uri_to_fname(f.uri), lnum = 1, col = 1,
                            text = string.format("%s (depth %d)", f.id, f.depth or 1) })
    else
      table.insert(items, { text = string.format("external module %s (depth %d)", f.id, f.depth or 1), valid = 0 })
    end
  end
  return items
end

local function neighbours(kind, label)
  return function(plugin, opts, done)
    opts = opts or {}
    local params = { uri = vim.uri_from_bufnr(vim.api.nvim_get_current_buf()), transitive = opts.transitive or false }
    if opts.depth then params.depth = opts.depth end
    request(plugin, "quorum/" .. kind, params, function(result)
      local files = result and result.files or {}
      local name = vim.fn.expand("%:t")
      if #files == 0 then notify(string.format("no %s of %s", label, name)) end
      to_quickfix(string.format("Quorum %s of %s%s", label, name, opts.transitive and " (transitive)" or ""),
        file_entries(files), opts.open)
    end, done)
  end
end

C.dependents = neighbours("dependents", "dependents")
C.dependencies = neighbours("dependencies", "dependencies")

function C.cycles(plugin, opts, done)
  opts = opts or {}
  request(plugin, "quorum/cycles", vim.empty_dict(), function(result)
    local items = {}
    for n, cycle in ipairs(result and result.cycles or {}) do
      local ids = table.concat(cycle.ids or {}, " -> ")
      for i, uri in ipairs(cycle.files or {}) do
        table.insert(items, { filename = vim.uri_to_fname(uri), lnum = 1, col = 1,
                              text = string.format("cycle %d (%d/%d): %s", n, i, #cycle.files, ids) })
      end
    end
    if #items == 0 then notify("no import cycles") end
    to_quickfix("Quorum import cycles", items, opts.open)
  end, done)
end

function C.path(plugin, target, opts, done)
  opts = opts or {}
  -- A file name becomes a URI; anything else (an external module such as `os`) is sent as it is.
  local to = target
  if vim.fn.filereadable(vim.fn.fnamemodify(target, ":p")) == 1 then
    to = vim.uri_from_fname(vim.fn.fnamemodify(target, ":p"))
  end
  request(plugin, "quorum/path", { from = vim.uri_from_bufnr(vim.api.nvim_get_current_buf()), to = to }, function(result)
    local items = {}
    local path, uris = result and result.path or {}, result and result.uris or {}
    for i, id in ipairs(path) do
      local uri = uris[i]
      if uri and uri ~= vim.NIL then
        table.insert(items, { filename = vim.uri_to_fname(uri), lnum = 1, col = 1, text = string.format("%d. %s", i, id) })
      else
        table.insert(items, { text = string.format("%d. %s", i, id), valid = 0 })
      end
    end
    if #items == 0 then notify("no import path to " .. target) end
    to_quickfix("Quorum import path to " .. target, items, opts.open)
  end, done)
end

local function show_lines(title, lines)
  -- A scratch buffer in a split: readable, searchable and easy to close with :q.
  vim.cmd("botright new")
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype, vim.bo[buf].bufhidden, vim.bo[buf].swapfile = "nofile", "wipe", false
  pcall(vim.api.nvim_buf_set_name, buf, title)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
end

local function inspect_lines(value) return vim.split(vim.inspect(value), "\n", { plain = true }) end

function C.stats(plugin, opts, done)
  opts = opts or {}
  request(plugin, "quorum/stats", vim.empty_dict(), function(result)
    if opts.open ~= false then show_lines("quorum://stats", inspect_lines(result)) end
  end, done)
end

function C.status(plugin, opts, done)
  opts = opts or {}
  request(plugin, "quorum/status", vim.empty_dict(), function(result)
    if opts.open ~= false then show_lines("quorum://status", inspect_lines(result)) end
  end, done)
end

function C.explain(plugin, opts, done)
  opts = opts or {}
  local client = plugin.client()
  local params = vim.lsp.util.make_position_params(0, client and client.offset_encoding or "utf-16")
  request(plugin, "quorum/explain", params, function(result)
    if opts.open ~= false then show_lines("quorum://explain", inspect_lines(result)) end
  end, done)
end

--- Code actions offered by the server at the cursor (model actions, refactors), when it advertises them.
function C.actions(plugin)
  local client = plugin.client()
  if not client or not client.server_capabilities.codeActionProvider then
    return notify("this server offers no code actions", vim.log.levels.WARN)
  end
  vim.lsp.buf.code_action()
end

-- Commands that the server's code actions may carry. Neovim runs vim.lsp.commands[name] locally instead of
-- sending workspace/executeCommand, so a local handler is installed only for a command the server does not
-- execute itself (not listed in its executeCommandProvider).
local client_commands = {
  ["quorum.showDependents"] = C.dependents,
  ["quorum.showDependencies"] = C.dependencies,
}

function C.register_client_commands(plugin, client)
  local provider = client.server_capabilities and client.server_capabilities.executeCommandProvider
  local served = {}
  for _, name in ipairs(type(provider) == "table" and provider.commands or {}) do served[name] = true end
  for name, fn in pairs(client_commands) do
    if not served[name] and vim.lsp.commands[name] == nil then
      vim.lsp.commands[name] = function(command)
        local arg = command.arguments and command.arguments[1]
        local uri = type(arg) == "table" and (arg.uri or (arg.textDocument and arg.textDocument.uri)) or arg
        if type(uri) == "string" then vim.cmd("edit " .. vim.fn.fnameescape(vim.uri_to_fname(uri))) end
        fn(plugin, {})
      end
    end
  end
end

function C.register(plugin)
  local function cmd(name, fn, opts) vim.api.nvim_create_user_command(name, fn, opts) end
  cmd("QuorumDependents", function(o) C.dependents(plugin, { transitive = o.bang }) end,
    { bang = true, desc = "Quorum: files that import this one (! for all levels)" })
  cmd("QuorumDependencies", function(o) C.dependencies(plugin, { transitive = o.bang }) end,
    { bang = true, desc = "Quorum: files this one imports (! for all levels)" })
  cmd("QuorumCycles", function() C.cycles(plugin) end, { desc = "Quorum: import cycles in the workspace" })
  cmd("QuorumPath", function(o) C.path(plugin, o.args) end,
    { nargs = 1, complete = "file", desc = "Quorum: shortest import path from this file to a file or module" })
  cmd("QuorumStats", function() C.stats(plugin) end, { desc = "Quorum: completion and cache statistics" })
  cmd("QuorumStatus", function() C.status(plugin) end, { desc = "Quorum: server status and settings in effect" })
  cmd("QuorumExplain", function() C.explain(plugin) end, { desc = "Quorum: what a completion here is built from" })
  cmd("QuorumActions", function() C.actions(plugin) end, { desc = "Quorum: code actions at the cursor" })
  cmd("QuorumComplete", function()
    require("quorum.ghost").request(0, plugin, function(text)
      if not text then notify("no completion here") end
    end, true)
  end, { desc = "Quorum: ask for a completion at the cursor now" })
  cmd("QuorumStart", function() plugin.attach(0) end, { desc = "Quorum: start the server for this buffer" })
end

return C
