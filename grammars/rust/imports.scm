; Rust imports: `use` paths are @import.module (the resolver walks `crate::`, `self::`, `super::`);
; `mod foo;` without a body names a file to load and is @import.submodule.
(use_declaration argument: (_) @import.module) @import
(mod_item name: (identifier) @import.submodule !body) @import
(extern_crate_declaration name: (identifier) @import.module) @import
