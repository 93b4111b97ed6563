; C++ definitions and references. Out-of-class member definitions (`void Shape::print()`) are methods whose
; @container is the qualifying scope.

(function_definition
  declarator: (function_declarator
    declarator: (qualified_identifier scope: (_) @container name: (identifier) @name))) @definition.method
; Functions declared or defined in a class body are methods: constructors (named by a plain identifier) too, and
; methods returning a pointer or a reference (`Node *make();`).
(field_declaration_list
  [(function_definition declarator: (function_declarator declarator: [(field_identifier) (identifier)] @name))
   (function_definition declarator: (_ (function_declarator declarator: (field_identifier) @name)))
   (field_declaration declarator: (function_declarator declarator: (field_identifier) @name))
   (field_declaration declarator: (_ (function_declarator declarator: (field_identifier) @name)))
   (declaration declarator: (function_declarator declarator: (identifier) @name))] @definition.method)
(function_definition declarator: (function_declarator declarator: (identifier) @name)) @definition.function
(function_definition
  declarator: [(pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
               (reference_declarator (function_declarator declarator: (identifier) @name))]) @definition.function
(declaration declarator: (function_declarator declarator: (identifier) @name)) @definition.function

(class_specifier name: (type_identifier) @name body: (_)) @definition.class
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(namespace_definition name: (namespace_identifier) @name) @definition.module
(alias_declaration name: (type_identifier) @name) @definition.type
(type_definition declarator: (type_identifier) @name) @definition.type
; Fields, also behind pointer, reference and array declarators (`Node *next;`, `int &r;`, `int a[3];`) and
; function pointers (`void (*cb)(int);`).
(field_declaration
  declarator: [(field_identifier) @name
               (_ declarator: (field_identifier) @name)
               (_ declarator: (_ declarator: (field_identifier) @name))
               (reference_declarator (field_identifier) @name)
               (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (field_identifier) @name)))]) @definition.field
(enumerator name: (identifier) @name) @definition.constant
; Macros, except an include guard: a valueless `#define X` right inside the `#ifndef X` it guards.
(preproc_def name: (identifier) @name value: (_)) @definition.macro
(_ name: (identifier)? @_condition
  (preproc_def name: (identifier) @name !value) @definition.macro
  (#not-eq? @name @_condition))
(preproc_function_def name: (identifier) @name) @definition.macro
(translation_unit (declaration declarator: (init_declarator declarator: (identifier) @name)) @definition.variable)

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call
(call_expression function: (qualified_identifier name: (identifier) @name)) @reference.call
(new_expression type: [(type_identifier) @name (qualified_identifier name: (type_identifier) @name)]) @reference.call
(base_class_clause (type_identifier) @name @reference.implementation)
(type_identifier) @name @reference.type
