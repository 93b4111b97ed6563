; JavaScript definitions and references. TypeScript and TSX include this file (`; inherits: javascript`).
; When one node matches several patterns, the first one wins.

(method_definition name: (property_identifier) @name) @definition.method
(field_definition property: (property_identifier) @name) @definition.field
(class_declaration name: (_) @name) @definition.class
(class name: (_) @name) @definition.class
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function

; `const f = () => …` and `const f = function () {…}` are functions; top-level ALL_CAPS constants; other
; top-level bindings are variables.
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
(class_heritage (identifier) @name @reference.implementation)

; JSX: a capitalised element is a component, rendered like a call (`<Button/>` calls `Button`).
((jsx_opening_element name: (identifier) @name) @reference.call (#match? @name "^[A-Z]"))
((jsx_self_closing_element name: (identifier) @name) @reference.call (#match? @name "^[A-Z]"))

; A name imported or re-exported by name (`import { add as plus } from './math'`, `export { add }`) uses that
; definition; a default or namespace import only binds a local name.
(import_specifier name: (identifier) @name @reference.name)
(export_specifier name: (identifier) @name @reference.name)
