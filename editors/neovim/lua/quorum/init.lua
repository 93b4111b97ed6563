-- Quorum for Neovim: starts `quorum lsp` for the workspace and wires ghost-text completions and graph commands.
-- Works on Neovim 0.7 (Debian 12) with vim.lsp.start_client, and uses newer APIs when they exist.
local M = {}

M.config = {
  cmd = { "quorum", "lsp" },
  -- The server's settings, with the same names in every editor integration (see the repository README).
  settings = {
    model = { path = nil, contextSize = 8192, threads = nil },
    cacheDir = nil,
    languages = {},
    exclude = {},
  },
  filetypes = { "python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust",
                "c", "cpp", "java", "swift", "ruby", "sh", "json" },
  root_markers = { ".git", "Package.swift", "go.mod", "Cargo.toml", "pyproject.toml", "package.json", "setup.py" },
  ghost_text = true,
  -- Delay after the last keystroke before asking for a completion, in milliseconds.
  debounce_ms = 150,
  keys = { accept = "<Tab>", accept_word = "<M-Right>", accept_line = "<M-Down>", dismiss = "<C-]>" },
}

M.client_id = nil

local function find_root(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local dir = path ~= "" and vim.fn.fnamemodify(path, ":p:h") or vim.fn.getcwd()
  for _, marker in ipairs(M.config.root_markers) do
    local found = vim.fn.finddir(marker, dir .. ";")
    if found == "" then found = vim.fn.findfile(marker, dir .. ";") end
    if found ~= "" then
      -- The root is the folder that holds the marker, whether the marker is a file or a folder.
      local full = vim.fn.fnamemodify(found, ":p"):gsub("/$", "")
      return vim.fn.fnamemodify(full, ":h")
    end
  end
  return dir
end

local function strip_nils(t)
  if type(t) ~= "table" then return t end
  local out = {}
  for k, v in pairs(t) do
    if v ~= nil then out[k] = strip_nils(v) end
  end
  return out
end

--- Starts (once) the Quorum client and attaches it to `bufnr`.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if M.client_id == nil or vim.lsp.get_client_by_id(M.client_id) == nil then
    local root = find_root(bufnr)
    M.client_id = vim.lsp.start_client({
      name = "quorum",
      cmd = M.config.cmd,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      init_options = strip_nils(M.config.settings),
      settings = { quorum = strip_nils(M.config.settings) },
      on_init = function(client)
        -- Neovim 0.7 never pushes didChangeConfiguration by itself.
        client.notify("workspace/didChangeConfiguration", { settings = strip_nils(M.config.settings) })
      end,
    })
  end
  if M.client_id then
    vim.lsp.buf_attach_client(bufnr, M.client_id)
    if M.config.ghost_text then require("quorum.ghost").enable(bufnr, M) end
  end
  return M.client_id
end

function M.client()
  return M.client_id and vim.lsp.get_client_by_id(M.client_id) or nil
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", M.config, opts or {})
  local group = vim.api.nvim_create_augroup("quorum", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args) M.attach(args.buf) end,
  })
  require("quorum.commands").register(M)
end

return M
