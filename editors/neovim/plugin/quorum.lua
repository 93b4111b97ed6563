-- Loaded by Neovim from the runtimepath. Nothing starts until require("quorum").setup{} is called,
-- so installing the plugin never surprises a user with a running model.
if vim.g.loaded_quorum then return end
vim.g.loaded_quorum = true
