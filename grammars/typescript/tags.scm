; TypeScript definitions and references. TSX includes this file (`; inherits: typescript`).
; When one node matches several patterns, the first one wins.

(method_definition name: (property_identifier) @name) @definition.method
(method_signature name: (property_identifier) @name) @definition.method
(abstract_method_signature name: (property_identifier) @name) @definition.method
(public_field_definition name: (property_identifier) @name) @definition.field
(property_signature name: (property_identifier) @name) @definition.field
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(internal_module name: (identifier) @name) @definition.module
(module name: (identifier) @name) @definition.module
(function_declaration name: (identifier) @name) @definition.function
(function_signature name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(program (lexical_declaration (variable_declarator name: (identifier) @name) @definition.constant)
  (#match? @name "^[A-Z][A-Z0-9_]*$"))
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name) @definition.constant))
  (#match? @name "^[A-Z][A-Z0-9_]*$"))
(program (lexical_declaration (variable_declarator name: (identifier) @name) @definition.variable))
(program (variable_declaration (variable_declarator name: (identifier) @name) @definition.variable))
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name) @definition.variable)))

(call_expression function: (identifier) @name) @reference.call
; A method call on the language's own global objects (`console.log`, `Math.max`, `JSON.parse`) calls the runtime,
; never the workspace's function of that name: the index matches calls by name, so these are left out.
(call_expression
  function: (member_expression object: (_) @_object property: (property_identifier) @name)
  (#not-any-of? @_object
    "console" "Math" "JSON" "Object" "Array" "Number" "String" "Symbol" "Promise" "Reflect" "Date" "Intl"
    "BigInt" "Atomics" "globalThis")) @reference.call
(new_expression constructor: (identifier) @name) @reference.call
(extends_clause value: (identifier) @name @reference.implementation)
(implements_clause (type_identifier) @name @reference.implementation)
(type_annotation (type_identifier) @name @reference.type)
(type_annotation (array_type (type_identifier) @name @reference.type))
(type_annotation (generic_type name: (type_identifier) @name @reference.type))

; A name imported or re-exported by name (`import { add as plus } from './math'`, `export { add }`) uses that
; definition; a default or namespace import only binds a local name.
(import_specifier name: (identifier) @name @reference.name)
(export_specifier name: (identifier) @name @reference.name)
