-- Ghost text: asks the server for textDocument/inlineCompletion after a pause in typing and shows the first
-- item as virtual text at the cursor (first line inline, the rest as virtual lines below). Keys accept all of
-- it, the next word or the rest of the line; typing or moving on dismisses it.
local G = {}

G.ns = vim.api.nvim_create_namespace("quorum_ghost")
local state = {} -- per buffer: { text, row, col, tick, item, timer, seq, native }

local has_inline_virt_text = vim.fn.has("nvim-0.10") == 1

local function buf_state(bufnr)
  state[bufnr] = state[bufnr] or { seq = 0 }
  return state[bufnr]
end

function G.clear(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) then return end
  vim.api.nvim_buf_clear_namespace(bufnr, G.ns, 0, -1)
  local s = state[bufnr]
  if s then s.text, s.item = nil, nil end
end

--- The ghost text shown in `bufnr` now, or nil.
function G.current(bufnr)
  local s = state[bufnr]
  return s and s.text
end

--- Shows `text` as ghost text at (row, col), 0-based, byte column.
function G.show(bufnr, row, col, text, item)
  G.clear(bufnr)
  if text == nil or text == "" then return end
  local lines = vim.split(text, "\n", { plain = true })
  local virt_lines = {}
  for i = 2, #lines do table.insert(virt_lines, { { lines[i], "Comment" } }) end
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
  local pos
  if has_inline_virt_text then
    pos = "inline" -- 0.10+: the text after the cursor moves right, as it will when accepted
  elseif col >= #line then
    pos = "overlay" -- at the end of the line overlay looks exactly like inline
  else
    pos = "eol" -- 0.7–0.9 mid-line: overlaying would hide the text after the cursor
  end
  vim.api.nvim_buf_set_extmark(bufnr, G.ns, row, col, {
    virt_text = { { lines[1], "Comment" } },
    virt_text_pos = pos,
    virt_lines = #virt_lines > 0 and virt_lines or nil,
    hl_mode = "combine",
  })
  local s = buf_state(bufnr)
  s.text, s.item, s.row, s.col = text, item, row, col
  s.tick = vim.api.nvim_buf_get_changedtick(bufnr)
end

--- The part of a completion the user accepts: "all", "word" or "line".
function G.take(text, how)
  if how == "word" then
    -- Leading blanks (not newlines) then a word, or a run of punctuation; a newline alone is a word too.
    return text:match("^[ \t]*[%w_]+") or text:match("^[ \t]*[^%w_%s]+") or text:match("^[ \t]*\n?") or text
  elseif how == "line" then
    return text:match("^[^\n]*\n?")
  end
  return text
end

--- Whether ghost text is shown in `bufnr` and still applies (no edit since it was shown).
function G.can_accept(bufnr)
  local s = state[bufnr]
  return s ~= nil and s.text ~= nil and s.tick == vim.api.nvim_buf_get_changedtick(bufnr)
end

--- Inserts all, a word or a line of the ghost text at its position; the rest stays shown. Returns false when
--- nothing was shown.
function G.accept(bufnr, how)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not G.can_accept(bufnr) then return false end
  local s = state[bufnr]
  local text, row, col = s.text, s.row, s.col
  local piece = G.take(text, how or "all")
  if piece == "" then piece = text end
  local lines = vim.split(piece, "\n", { plain = true })
  G.clear(bufnr)
  vim.api.nvim_buf_set_text(bufnr, row, col, row, col, lines)
  local last_row = row + #lines - 1
  local last_col = (#lines == 1 and col or 0) + #lines[#lines]
  if vim.api.nvim_get_current_buf() == bufnr then pcall(vim.api.nvim_win_set_cursor, 0, { last_row + 1, last_col }) end
  local rest = text:sub(#piece + 1)
  if rest ~= "" then G.show(bufnr, last_row, last_col, rest) end
  return true
end

--- The text an item inserts at the cursor (row, col 0-based bytes): its insertText, less what is already
--- typed when its range starts before the cursor. Nil when the item does not apply at the cursor.
function G.item_text(bufnr, item, row, col, encoding)
  local text = type(item.insertText) == "table" and item.insertText.value or item.insertText
  if type(text) ~= "string" then return nil end
  if item.range then
    local start = item.range.start
    if start.line ~= row then return nil end
    local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
    local ok, start_col = pcall(vim.lsp.util._get_line_byte_from_position or function(_, p, _)
      return vim.str_byteindex(line, p.character, encoding == "utf-16")
    end, bufnr, start, encoding)
    if not ok then start_col = start.character end
    if start_col < col then
      local typed = line:sub(start_col + 1, col)
      if text:sub(1, #typed) ~= typed then return nil end
      text = text:sub(#typed + 1)
    end
  end
  return text
end

--- Asks for a completion at the cursor and shows the first item. `done(text, item)` is called with the text
--- shown (nil when there is none); `invoked` marks an explicit request (trigger kind 1, else 2 automatic).
function G.request(bufnr, plugin, done, invoked)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = plugin.client(bufnr)
  local function finish(text, item) if done then done(text, item) end end
  if not client then return finish(nil) end
  local s = buf_state(bufnr)
  s.seq = s.seq + 1
  local seq = s.seq
  local encoding = client.offset_encoding or "utf-16"
  local params = vim.lsp.util.make_position_params(0, encoding)
  params.context = { triggerKind = invoked and 1 or 2 }
  local cursor = vim.api.nvim_win_get_cursor(0)
  local row, col = cursor[1] - 1, cursor[2]
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  plugin.call(client, "request", "textDocument/inlineCompletion", params, function(err, result)
    -- Drop answers overtaken by a newer request or by an edit.
    if err or not result or seq ~= s.seq or not vim.api.nvim_buf_is_valid(bufnr)
        or vim.api.nvim_buf_get_changedtick(bufnr) ~= tick then
      return finish(nil)
    end
    for _, item in ipairs(result.items or result) do
      local text = G.item_text(bufnr, item, row, col, encoding)
      if text and text ~= "" then
        G.show(bufnr, row, col, text, item)
        return finish(text, item)
      end
    end
    finish(nil)
  end, bufnr)
end

-- The keys are <expr> maps: with ghost text shown they run the action through <Cmd> (which may edit the
-- buffer), otherwise they give back the key itself, so <Tab> still inserts a tab, in order with what follows.
local function map_action(bufnr, lhs, active, action, desc)
  if not lhs then return end
  vim.keymap.set("i", lhs, function()
    if active() then return "<Cmd>lua " .. action .. "<CR>" end
    return lhs
  end, { buffer = bufnr, expr = true, replace_keycodes = true, desc = desc })
end

--- The plugin's own ghost text in `bufnr`: requests after a pause in typing, keys to accept or dismiss.
function G.enable(bufnr, plugin)
  local s = buf_state(bufnr)
  if s.enabled then return end
  s.enabled = true
  local keys = plugin.config.keys or {}
  local active = function() return G.can_accept(bufnr) end
  for how, lhs in pairs({ all = keys.accept, word = keys.accept_word, line = keys.accept_line }) do
    map_action(bufnr, lhs, active, string.format("require('quorum.ghost').accept(%d, '%s')", bufnr, how),
      "Quorum: accept " .. how)
  end
  map_action(bufnr, keys.dismiss, function() return G.current(bufnr) ~= nil end,
    string.format("require('quorum.ghost').clear(%d)", bufnr), "Quorum: dismiss")
  if keys.complete then
    vim.keymap.set("i", keys.complete, function() G.request(bufnr, plugin, nil, true) end,
      { buffer = bufnr, desc = "Quorum: complete now" })
  end
  local group = vim.api.nvim_create_augroup("quorum_ghost_" .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ "TextChangedI", "CursorMovedI" }, {
    group = group,
    buffer = bufnr,
    callback = function()
      -- Moving the cursor by accepting keeps the rest of the ghost text (its tick still matches).
      if s.text and s.tick == vim.api.nvim_buf_get_changedtick(bufnr) then
        local cursor = vim.api.nvim_win_get_cursor(0)
        if cursor[1] - 1 == s.row and cursor[2] == s.col then return end
      end
      G.clear(bufnr)
      if s.timer then s.timer:stop(); s.timer:close(); s.timer = nil end
      if plugin.config.debounce_ms == false then return end
      local timer = (vim.uv or vim.loop).new_timer()
      s.timer = timer
      timer:start(plugin.config.debounce_ms or 150, 0, vim.schedule_wrap(function()
        if s.timer == timer then s.timer = nil; timer:close() end
        if vim.api.nvim_get_current_buf() == bufnr and vim.api.nvim_get_mode().mode:sub(1, 1) == "i" then
          G.request(bufnr, plugin)
        end
      end))
    end,
  })
  vim.api.nvim_create_autocmd({ "InsertLeave", "BufLeave" }, {
    group = group,
    buffer = bufnr,
    callback = function() G.clear(bufnr) end,
  })
  vim.api.nvim_create_autocmd("BufUnload", {
    group = group,
    buffer = bufnr,
    callback = function()
      if s.timer then s.timer:stop(); s.timer:close() end
      state[bufnr] = nil
    end,
  })
end

--- Neovim 0.12+: the built-in inline completion shows the ghost text; the accept key takes the whole item.
function G.enable_native(bufnr, plugin)
  local s = buf_state(bufnr)
  if s.enabled then return end
  s.enabled, s.native = true, true
  vim.lsp.inline_completion.enable(true, { bufnr = bufnr })
  local keys = plugin.config.keys or {}
  if keys.accept then
    -- The form Neovim's documentation gives: get() accepts the shown item and returns true, else the key.
    vim.keymap.set("i", keys.accept, function()
      if not vim.lsp.inline_completion.get({ bufnr = bufnr }) then return keys.accept end
    end, { buffer = bufnr, expr = true, replace_keycodes = true, desc = "Quorum: accept" })
  end
end

return G
