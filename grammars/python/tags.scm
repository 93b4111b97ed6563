; Python definitions and references for the Quorum index.
; Patterns that are more specific come first: when one node matches several patterns, the first one wins.

; Methods: functions written directly in a class body, decorated or not.
(class_definition
  body: (block
    (function_definition name: (identifier) @name) @definition.method))
(class_definition
  body: (block
    (decorated_definition
      definition: (function_definition name: (identifier) @name) @definition.method)))

; Class attributes assigned in the class body are fields.
(class_definition
  body: (block
    (expression_statement
      (assignment left: (identifier) @name) @definition.field)))

(class_definition
  name: (identifier) @name
  body: (block . (expression_statement (string) @doc))?) @definition.class

(function_definition
  name: (identifier) @name
  body: (block . (expression_statement (string) @doc))?) @definition.function

; Module-level assignments: ALL_CAPS names are constants, the rest variables.
(module
  (expression_statement
    (assignment left: (identifier) @name) @definition.constant)
  (#match? @name "^[A-Z][A-Z0-9_]*$"))
(module
  (expression_statement
    (assignment left: (identifier) @name) @definition.variable))

(call function: (identifier) @name) @reference.call
(call function: (attribute attribute: (identifier) @name)) @reference.call
(class_definition superclasses: (argument_list (identifier) @name @reference.implementation))
(type (identifier) @name) @reference.type

; A name imported from a module (`from .util import slugify`, `from m import a as b`) uses that module's definition.
(import_from_statement name: (dotted_name (identifier) @name) @reference.name)
(import_from_statement name: (aliased_import name: (dotted_name (identifier) @name) @reference.name))
