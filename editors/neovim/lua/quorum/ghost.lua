-- Ghost text: asks the server for textDocument/inlineCompletion after a pause in typing and shows the first
-- item as virtual text (first line inline, the rest as virtual lines). Keys accept all, a word or a line.
local G = {}
local ns = vim.api.nvim_create_namespace("quorum_ghost")
local state = {} -- per buffer: { text = string, row = int, col = int, timer = uv timer, request = id }

local function clear(bufnr)
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  local s = state[bufnr]
  if s then s.text = nil end
end

local function show(bufnr, row, col, text)
  clear(bufnr)
  if text == nil or text == "" then return end
  local lines = vim.split(text, "\n", { plain = true })
  local virt_lines = {}
  for i = 2, #lines do table.insert(virt_lines, { { lines[i], "Comment" } }) end
  vim.api.nvim_buf_set_extmark(bufnr, ns, row, col, {
    virt_text = { { lines[1], "Comment" } },
    virt_text_pos = "overlay",
    virt_lines = #virt_lines > 0 and virt_lines or nil,
  })
  state[bufnr].text, state[bufnr].row, state[bufnr].col = text, row, col
end

--- The part of a completion the user accepts: "all", "word" or "line".
function G.take(text, how)
  if how == "word" then
    return text:match("^%s*[%w_]+") or text:match("^%s*[^%w_%s]+") or text
  elseif how == "line" then
    local line = text:match("^[^\n]*\n?")
    return line
  end
  return text
end

function G.accept(bufnr, how)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local s = state[bufnr]
  if not s or not s.text then return false end
  local piece = G.take(s.text, how or "all")
  local lines = vim.split(piece, "\n", { plain = true })
  vim.api.nvim_buf_set_text(bufnr, s.row, s.col, s.row, s.col, lines)
  local last_row = s.row + #lines - 1
  local last_col = (#lines == 1 and s.col or 0) + #lines[#lines]
  pcall(vim.api.nvim_win_set_cursor, 0, { last_row + 1, last_col })
  clear(bufnr)
  return true
end

--- Asks for a completion at the cursor now and calls `done(text)` with the first item (or nil).
function G.request(bufnr, plugin, done)
  local client = plugin.client()
  if not client then return done and done(nil) end
  local params = vim.lsp.util.make_position_params()
  params.context = { triggerKind = 2 }
  local cursor = vim.api.nvim_win_get_cursor(0)
  client.request("textDocument/inlineCompletion", params, function(err, result)
    if err or not result then return done and done(nil) end
    local items = result.items or result
    local first = items[1]
    local text = first and (type(first.insertText) == "table" and first.insertText.value or first.insertText)
    if text and vim.api.nvim_buf_is_valid(bufnr) then
      -- Keep only what follows the cursor when the item's range starts before it.
      show(bufnr, cursor[1] - 1, cursor[2], text)
    end
    if done then done(text) end
  end, bufnr)
end

function G.enable(bufnr, plugin)
  if state[bufnr] then return end
  state[bufnr] = {}
  local keys = plugin.config.keys
  local function map(lhs, how)
    if not lhs then return end
    vim.keymap.set("i", lhs, function()
      if not G.accept(bufnr, how) then
        return vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(lhs, true, false, true), "n", false)
      end
    end, { buffer = bufnr, desc = "Quorum: accept " .. how })
  end
  map(keys.accept, "all")
  map(keys.accept_word, "word")
  map(keys.accept_line, "line")
  if keys.dismiss then vim.keymap.set("i", keys.dismiss, function() clear(bufnr) end, { buffer = bufnr }) end
  vim.api.nvim_create_autocmd({ "TextChangedI", "CursorMovedI" }, {
    buffer = bufnr,
    callback = function()
      clear(bufnr)
      local s = state[bufnr]
      if s.timer then s.timer:stop() end
      s.timer = vim.defer_fn(function()
        if vim.api.nvim_get_mode().mode:sub(1, 1) == "i" then G.request(bufnr, plugin) end
      end, plugin.config.debounce_ms)
    end,
  })
  vim.api.nvim_create_autocmd({ "InsertLeave", "BufLeave" }, { buffer = bufnr, callback = function() clear(bufnr) end })
end

return G
