-- Headless Neovim 0.7.2 against the real `quorum lsp`: initialize, push settings, open a buffer, edit it with
-- incremental sync (emoji and CJK so UTF-16 columns matter), check through quorum/status and quorum/positionInfo
-- that the server's copy equals the buffer, then shut down and check the exit status.
--
-- Run: timeout 120 nvim --headless -u NONE -c "luafile Tests/nvim/lsp_test.lua"
-- Exits 0 on success; on failure prints the reason to stderr and exits non-zero (cquit), never hangs on a Lua error.

local bin = os.getenv("QUORUM_BIN") or (vim.fn.getcwd() .. "/.build/debug/quorum")
local TIMEOUT = 20000

local function check(condition, message)
  if not condition then error(message, 2) end
end

local function request(bufnr, method, params)
  -- 0.7 returns {[client_id] = {error = ..., result = ...}}; a large timeout since the default is 1 s.
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  check(responses, method .. ": no response (" .. tostring(err) .. ")")
  for _, response in pairs(responses) do
    check(response.error == nil, method .. ": error " .. vim.inspect(response.error))
    return response.result
  end
  error(method .. ": empty response table")
end

local function main()
  local initialized = false
  local exit_code = nil
  local root = vim.fn.tempname()
  vim.fn.mkdir(root, "p")
  local client_id = vim.lsp.start_client({
    name = "quorum",
    cmd = { bin, "lsp" },
    root_dir = root,
    init_options = { model = { contextSize = 2048 } },
    flags = { debounce_text_changes = 0 },
    on_init = function(client)
      initialized = true
      -- 0.7 never pushes settings itself.
      client.notify("workspace/didChangeConfiguration", { settings = { quorum = { model = { threads = 3 } } } })
    end,
    on_exit = function(code) exit_code = code end,
  })
  check(client_id, "start_client failed")
  check(vim.wait(TIMEOUT, function() return initialized end, 20), "initialize did not finish")
  local client = vim.lsp.get_client_by_id(client_id)
  check(client.server_capabilities.positionEncoding == "utf-16", "encoding " .. tostring(client.server_capabilities.positionEncoding))

  local path = root .. "/sample.py"
  vim.cmd("edit " .. path)
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = "python"
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, { "def f():", "    return '日本'", "# end" })
  check(vim.lsp.buf_attach_client(bufnr, client_id), "buf_attach_client failed")

  -- Incremental edits: insert an emoji mid-line, then text after it (UTF-16 columns differ from bytes),
  -- replace a line, delete a line.
  vim.api.nvim_buf_set_text(bufnr, 1, 12, 1, 12, { "😀" })
  vim.api.nvim_buf_set_text(bufnr, 1, 16, 1, 16, { "x" })
  vim.api.nvim_buf_set_lines(bufnr, 0, 1, false, { "def g():" })
  vim.api.nvim_buf_set_lines(bufnr, 2, 3, false, {})
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { "z = 1" })

  local status = request(bufnr, "quorum/status", {})
  check(status.state == "running", "state " .. tostring(status.state))
  check(#status.documents == 1, "documents " .. vim.inspect(status.documents))
  local doc = status.documents[1]
  check(doc.uri == vim.uri_from_bufnr(bufnr), "uri " .. doc.uri)
  check(doc.version == vim.lsp.util.buf_versions[bufnr], "version " .. doc.version .. " vs " .. tostring(vim.lsp.util.buf_versions[bufnr]))
  check(doc.languageId == "python", "languageId " .. doc.languageId)
  check(status.settings.model.contextSize == 2048, "contextSize " .. vim.inspect(status.settings.model))
  check(status.settings.model.threads == 3, "threads " .. vim.inspect(status.settings.model))
  check(#status.workspaceFolders == 1 and status.workspaceFolders[1].path == root, "roots " .. vim.inspect(status.workspaceFolders))

  -- The server's lines equal the buffer's lines.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for i, line in ipairs(lines) do
    local info = request(bufnr, "quorum/positionInfo",
      { textDocument = { uri = doc.uri }, position = { line = i - 1, character = 1000 } })
    check(info.lineText == line, string.format("line %d: server %q, buffer %q", i - 1, info.lineText, line))
    -- str_utfindex returns the UTF-32 and the UTF-16 length; positions here are UTF-16.
    local _, utf16_length = vim.str_utfindex(line)
    check(info.position.character == utf16_length, string.format("line %d: clamped to %d, want %d",
      i - 1, info.position.character, utf16_length))
  end

  client.stop()
  check(vim.wait(TIMEOUT, function() return exit_code ~= nil end, 20), "server did not exit")
  check(exit_code == 0, "exit code " .. tostring(exit_code))
  io.stdout:write("nvim lsp test: ok\n")
end

local ok = xpcall(main, function(err)
  io.stderr:write("nvim lsp test FAILED: " .. debug.traceback(tostring(err), 2) .. "\n")
end)
if ok then vim.cmd("qall!") else vim.cmd("cquit 3") end
