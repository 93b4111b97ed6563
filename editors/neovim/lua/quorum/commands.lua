-- User commands for the dependency graph and the model actions.
local C = {}

local function request(plugin, method, params, render)
  local client = plugin.client()
  if not client then return vim.notify("Quorum is not running in this buffer", vim.log.levels.WARN) end
  client.request(method, params, function(err, result)
    if err then return vim.notify("Quorum: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR) end
    render(result)
  end, vim.api.nvim_get_current_buf())
end

local function to_quickfix(title, items)
  local list = {}
  for _, item in ipairs(items or {}) do
    local uri = item.uri or item
    table.insert(list, { filename = vim.uri_to_fname(uri), lnum = 1, text = item.reason or title })
  end
  vim.fn.setqflist({}, " ", { title = title, items = list })
  vim.cmd("copen")
end

function C.register(plugin)
  local function current_uri() return vim.uri_from_bufnr(vim.api.nvim_get_current_buf()) end
  vim.api.nvim_create_user_command("QuorumDependents", function(o)
    request(plugin, "quorum/dependents", { uri = current_uri(), transitive = o.bang }, function(r)
      to_quickfix("Quorum dependents", r and r.files or r)
    end)
  end, { bang = true, desc = "Files that import this one (! for transitive)" })
  vim.api.nvim_create_user_command("QuorumDependencies", function(o)
    request(plugin, "quorum/dependencies", { uri = current_uri(), transitive = o.bang }, function(r)
      to_quickfix("Quorum dependencies", r and r.files or r)
    end)
  end, { bang = true, desc = "Files this one imports (! for transitive)" })
  vim.api.nvim_create_user_command("QuorumCycles", function()
    request(plugin, "quorum/cycles", {}, function(r)
      local items = {}
      for _, cycle in ipairs(r and r.cycles or r or {}) do
        for _, u in ipairs(cycle.files or cycle) do table.insert(items, { uri = u, reason = "in an import cycle" }) end
      end
      to_quickfix("Quorum import cycles", items)
    end)
  end, { desc = "Import cycles in the workspace" })
  vim.api.nvim_create_user_command("QuorumPath", function(o)
    local target = vim.uri_from_fname(vim.fn.fnamemodify(o.args, ":p"))
    request(plugin, "quorum/path", { from = current_uri(), to = target }, function(r)
      to_quickfix("Quorum import path", r and r.path or r)
    end)
  end, { nargs = 1, complete = "file", desc = "Shortest import path from this file to another" })
  vim.api.nvim_create_user_command("QuorumStats", function()
    request(plugin, "quorum/stats", {}, function(r) print(vim.inspect(r)) end)
  end, { desc = "Completion and cache statistics" })
  vim.api.nvim_create_user_command("QuorumComplete", function()
    require("quorum.ghost").request(vim.api.nvim_get_current_buf(), plugin)
  end, { desc = "Ask for a completion at the cursor now" })
end

return C
