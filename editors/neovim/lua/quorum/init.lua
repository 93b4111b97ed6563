-- Quorum for Neovim: starts `quorum lsp` for the workspace root and wires ghost-text completions, graph
-- commands and the server's code actions. Works on Neovim 0.7 (Debian 12: vim.lsp.start_client and
-- buf_attach_client) and uses the newer APIs when they exist (vim.lsp.start on 0.8+, client:request on 0.11+,
-- vim.lsp.inline_completion on 0.12+ when `ghost_text = "native"`).
local M = {}

local defaults = {
  -- The server command; `quorum` must be on $PATH, or give the full path of the binary.
  cmd = { "quorum", "lsp" },
  -- The server's settings, with the names of the repository README, Settings (model.path, model.contextSize, model.threads,
  -- engine.url/model/apiKeyEnv/timeout/useInfill, completion.maxTokens/candidates, cacheDir, languages, exclude).
  -- Sent as initializationOptions, pushed with workspace/didChangeConfiguration and answered to
  -- workspace/configuration pulls. Leave a setting out to get the server's default.
  settings = {},
  filetypes = { "python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust",
                "c", "cpp", "java", "swift", "ruby", "sh", "json" },
  root_markers = { ".git", "Package.swift", "go.mod", "Cargo.toml", "pyproject.toml", "package.json", "setup.py" },
  -- Start the server when a buffer of one of `filetypes` opens. False: call require("quorum").attach() yourself.
  autostart = true,
  -- true: the plugin's ghost text (every version); "native": vim.lsp.inline_completion (0.12+, falls back to
  -- the plugin's on older versions; accepts whole items only); false: no ghost text.
  ghost_text = true,
  -- Delay after the last keystroke in insert mode before asking for a completion, in milliseconds.
  debounce_ms = 150,
  -- Insert-mode keys. When no ghost text is shown a key does what it did before (e.g. <Tab> inserts a tab).
  keys = {
    accept = "<Tab>",
    accept_word = "<M-Right>",
    accept_line = "<M-Down>",
    dismiss = "<C-]>",
    complete = "<M-\\>", -- ask now, without waiting for the pause
  },
  -- Called as on_attach(client, bufnr) after Quorum attaches to a buffer.
  on_attach = nil,
}

M.config = vim.deepcopy(defaults)
M.clients = {} -- root directory -> client id (Neovim 0.7, where vim.lsp.start does not exist)

local has = function(feature) return vim.fn.has(feature) == 1 end

--- Calls a method of a client object the way this Neovim version wants (`client:request` from 0.11 on,
--- `client.request` before; 0.11 warns about the old form).
function M.call(client, method, ...)
  if has("nvim-0.11") then return client[method](client, ...) end
  return client[method](...)
end

--- Copies `t` without empty tables (Lua cannot tell `{}` from `[]`, and an empty value changes nothing).
local function compact(t)
  if type(t) ~= "table" or t == vim.NIL then return t end
  if vim.tbl_isempty(t) then return nil end
  local out = {}
  for k, v in pairs(t) do out[k] = compact(v) end
  if vim.tbl_isempty(out) then return nil end
  return out
end

--- The server settings as sent to the server (nil when none are set).
function M.server_settings() return compact(M.config.settings) end

function M.find_root(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local dir = path ~= "" and vim.fn.fnamemodify(path, ":p:h") or vim.fn.getcwd()
  for _, marker in ipairs(M.config.root_markers) do
    local found = vim.fn.finddir(marker, vim.fn.fnameescape(dir) .. ";")
    if found == "" then found = vim.fn.findfile(marker, vim.fn.fnameescape(dir) .. ";") end
    if found ~= "" then
      -- The root is the folder that holds the marker, whether the marker is a file or a folder.
      local full = vim.fn.fnamemodify(found, ":p"):gsub("/$", "")
      return vim.fn.fnamemodify(full, ":h")
    end
  end
  return dir
end

local function on_attach(client, bufnr)
  require("quorum.commands").register_client_commands(M, client)
  -- <C-x><C-o> lists the server's completion items (the model's line first) when nothing else set omnifunc.
  if vim.bo[bufnr].omnifunc == "" then vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc" end
  local ghost = require("quorum.ghost")
  if M.config.ghost_text == "native" and vim.lsp.inline_completion and vim.lsp.inline_completion.enable then
    ghost.enable_native(bufnr, M)
  elseif M.config.ghost_text then
    ghost.enable(bufnr, M)
  end
  if M.config.on_attach then M.config.on_attach(client, bufnr) end
end

local function client_config(root)
  local settings = M.server_settings()
  return {
    name = "quorum",
    cmd = M.config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") } },
    init_options = settings,
    -- What Neovim answers to workspace/configuration pulls for the section `quorum`.
    settings = { quorum = settings },
    on_init = function(client)
      -- Neovim 0.7 never pushes settings by itself; push them once the server is up (harmless on 0.8+).
      M.call(client, "notify", "workspace/didChangeConfiguration", { settings = { quorum = settings or vim.empty_dict() } })
    end,
    on_attach = on_attach,
  }
end

--- Starts (once per workspace root) the Quorum client and attaches it to `bufnr`. Returns the client id.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local root = M.find_root(bufnr)
  if vim.lsp.start then
    -- 0.8+: reuses the client with the same name and root.
    return vim.lsp.start(client_config(root), { bufnr = bufnr })
  end
  local id = M.clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(client_config(root))
    M.clients[root] = id
  end
  if id then vim.lsp.buf_attach_client(bufnr, id) end
  return id
end

--- The Quorum client attached to `bufnr` (default: the current buffer), or nil.
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = "quorum" })
    or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == "quorum" then return client end
  end
  return nil
end

--- Pushes new settings to every running Quorum client (e.g. after changing model.path).
function M.update_settings(settings)
  M.config.settings = vim.tbl_deep_extend("force", M.config.settings, settings or {})
  local s = M.server_settings()
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ name = "quorum" }) or vim.lsp.get_active_clients()
  for _, client in pairs(all) do
    if client.name == "quorum" then
      client.config.settings = { quorum = s }
      M.call(client, "notify", "workspace/didChangeConfiguration", { settings = { quorum = s or vim.empty_dict() } })
    end
  end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup("quorum", { clear = true })
  if M.config.autostart then
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = M.config.filetypes,
      callback = function(args)
        if vim.bo[args.buf].buftype == "" then M.attach(args.buf) end
      end,
    })
  end
  require("quorum.commands").register(M)
  if M.config.autostart then
    -- Buffers opened before setup (a plugin manager that loads Quorum late) are attached now.
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].buftype == ""
          and vim.tbl_contains(M.config.filetypes, vim.bo[buf].filetype) then
        M.attach(buf)
      end
    end
  end
  return M
end

return M
