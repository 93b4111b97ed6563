; Swift imports: the module name is @import.module.
(import_declaration (identifier) @import.module) @import
