; Java imports: the qualified name is @import.module; a wildcard import names a package.
(import_declaration (scoped_identifier) @import.module) @import
(import_declaration (identifier) @import.module) @import
