; Rust definitions and references. Functions inside `impl` and `trait` blocks are methods; @container names the
; implementing type, since an impl block is not itself a definition.

(impl_item
  type: [(type_identifier) @container (generic_type type: (type_identifier) @container)
         (scoped_type_identifier name: (type_identifier) @container)]
  body: (declaration_list (function_item name: (identifier) @name) @definition.method))
(trait_item body: (declaration_list (function_item name: (identifier) @name) @definition.method))
(trait_item body: (declaration_list (function_signature_item name: (identifier) @name) @definition.method))
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function

(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.trait
(type_item name: (type_identifier) @name) @definition.type
(mod_item name: (identifier) @name) @definition.module
(macro_definition name: (identifier) @name) @definition.macro
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.variable
(field_declaration name: (field_identifier) @name) @definition.field

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call
(call_expression function: (scoped_identifier name: (identifier) @name)) @reference.call
(macro_invocation macro: (identifier) @name) @reference.call

; Paths: each segment of `Circle::new`, `report::describe` or `crate::geometry::Circle` names a type, a module or
; an item (the syntax cannot tell which), so it is a use of that name; a called last segment is a call (above).
; `use` declarations are paths too, so the names they bring in (`use a::{B, C as D};`) are uses as well.
(scoped_identifier path: (identifier) @name) @reference.name
(scoped_identifier name: (identifier) @name) @reference.name
(scoped_type_identifier path: (identifier) @name) @reference.name
(scoped_use_list path: (identifier) @name) @reference.name
(use_declaration argument: (identifier) @name @reference.name)
(use_list (identifier) @name @reference.name)
(use_as_clause path: (identifier) @name @reference.name)
(impl_item trait: (type_identifier) @name @reference.implementation)
(type_identifier) @name @reference.type
