; Python imports: the dotted (or relative) module path is @import.module, imported names are @import.name.
(import_statement name: (dotted_name) @import.module) @import
(import_statement name: (aliased_import name: (dotted_name) @import.module)) @import
(import_from_statement
  module_name: [(dotted_name) (relative_import)] @import.module
  name: [(dotted_name) @import.name (aliased_import name: (dotted_name) @import.name)]?) @import
