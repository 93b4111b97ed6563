; C definitions and references. Prototypes count as function definitions too: in a header they are the
; only place a function is declared.

(function_definition declarator: (function_declarator declarator: (identifier) @name)) @definition.function
(function_definition
  declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))) @definition.function
(declaration declarator: (function_declarator declarator: (identifier) @name)) @definition.function
(declaration declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))) @definition.function

; `typedef struct List {…} List;` is one struct: the tag is its name (claiming it here keeps the struct_specifier
; pattern below from adding a second, nested List), and the typedef's name is a use of it.
(type_definition
  type: (struct_specifier name: (type_identifier) @name body: (_))
  declarator: (type_identifier) @_alias
  (#eq? @name @_alias)) @definition.struct
(type_definition
  type: (union_specifier name: (type_identifier) @name body: (_))
  declarator: (type_identifier) @_alias
  (#eq? @name @_alias)) @definition.struct
(type_definition
  type: (enum_specifier name: (type_identifier) @name body: (_))
  declarator: (type_identifier) @_alias
  (#eq? @name @_alias)) @definition.enum
; `typedef struct {…} Point;` (or a tag of another name) defines the struct under the typedef's name.
(type_definition
  type: (struct_specifier name: (type_identifier)? @_tag body: (_))
  declarator: (type_identifier) @name
  (#not-eq? @_tag @name)) @definition.struct
(type_definition
  type: (enum_specifier name: (type_identifier)? @_tag body: (_))
  declarator: (type_identifier) @name
  (#not-eq? @_tag @name)) @definition.enum
; Other typedefs, `typedef struct List List;` included (its body may be in a file outside the workspace).
(type_definition type: (_ !body) declarator: (type_identifier) @name) @definition.type
(type_definition
  type: (_ name: (type_identifier)? @_tag body: (_))
  declarator: (type_identifier) @name
  (#not-eq? @_tag @name)) @definition.type
(type_definition declarator: (_ declarator: (type_identifier) @name)) @definition.type
(type_definition declarator: (_ declarator: (_ declarator: (type_identifier) @name))) @definition.type
(type_definition
  declarator: (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (type_identifier) @name)))) @definition.type
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(enumerator name: (identifier) @name) @definition.constant
; Fields, also behind pointer and array declarators (`Node *head;`, `struct Node **next;`, `int a[3];`) and
; function pointers (`void (*cb)(int);`).
(field_declaration
  declarator: [(field_identifier) @name
               (_ declarator: (field_identifier) @name)
               (_ declarator: (_ declarator: (field_identifier) @name))
               (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (field_identifier) @name)))]) @definition.field
; Macros, except an include guard: a valueless `#define X` right inside the `#ifndef X` it guards.
(preproc_def name: (identifier) @name value: (_)) @definition.macro
(_ name: (identifier)? @_condition
  (preproc_def name: (identifier) @name !value) @definition.macro
  (#not-eq? @name @_condition))
(preproc_function_def name: (identifier) @name) @definition.macro
; File-level variables, also inside include guards.
(translation_unit (declaration declarator: (init_declarator declarator: (identifier) @name)) @definition.variable)
(translation_unit (declaration declarator: (identifier) @name) @definition.variable)
(preproc_ifdef (declaration declarator: (init_declarator declarator: (identifier) @name)) @definition.variable)
(preproc_ifdef (declaration declarator: (identifier) @name) @definition.variable)

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call
(type_identifier) @name @reference.type
