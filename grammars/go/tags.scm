; Go definitions and references. Methods name their receiver type with @container, since Go methods are
; written outside the type they belong to.

(method_declaration
  receiver: (parameter_list
    (parameter_declaration type: [(type_identifier) @container (pointer_type (type_identifier) @container)]))
  name: (field_identifier) @name) @definition.method
(function_declaration name: (identifier) @name) @definition.function

(type_declaration (type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface)
(type_declaration (type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct)
(type_declaration (type_spec name: (type_identifier) @name) @definition.type)
(type_declaration (type_alias name: (type_identifier) @name) @definition.type)
(method_elem name: (field_identifier) @name) @definition.method
(field_declaration name: (field_identifier) @name) @definition.field

(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (selector_expression field: (field_identifier) @name)) @reference.call
(type_identifier) @name @reference.type
