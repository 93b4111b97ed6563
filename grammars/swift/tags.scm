; Swift definitions and references. The grammar spells class, struct, enum, actor and extension all as
; `class_declaration`; the `declaration_kind` keyword tells them apart. Members of an extension are
; methods whose @container is the extended type.

(class_declaration
  declaration_kind: "extension"
  name: (user_type (type_identifier) @container)
  body: (class_body [(function_declaration name: (simple_identifier) @name)
                     (init_declaration "init" @name)] @definition.method))
(class_declaration
  declaration_kind: "extension"
  name: (user_type (type_identifier) @container)
  body: (class_body (property_declaration name: (pattern bound_identifier: (simple_identifier) @name)) @definition.field))

(class_body (function_declaration name: (simple_identifier) @name) @definition.method)
(enum_class_body (function_declaration name: (simple_identifier) @name) @definition.method)
(class_body (init_declaration "init" @name) @definition.method)
(protocol_body (protocol_function_declaration name: (simple_identifier) @name) @definition.method)
(protocol_body (protocol_property_declaration name: (pattern bound_identifier: (simple_identifier) @name)) @definition.field)
(class_body (property_declaration name: (pattern bound_identifier: (simple_identifier) @name)) @definition.field)
(enum_class_body (property_declaration name: (pattern bound_identifier: (simple_identifier) @name)) @definition.field)
(enum_entry name: (simple_identifier) @name @definition.constant)

(class_declaration declaration_kind: "class" name: (type_identifier) @name) @definition.class
(class_declaration declaration_kind: "actor" name: (type_identifier) @name) @definition.class
(class_declaration declaration_kind: "struct" name: (type_identifier) @name) @definition.struct
(class_declaration declaration_kind: "enum" name: (type_identifier) @name) @definition.enum
(protocol_declaration name: (type_identifier) @name) @definition.protocol
(typealias_declaration name: (type_identifier) @name) @definition.type
(function_declaration name: (simple_identifier) @name) @definition.function

(source_file
  (property_declaration (value_binding_pattern "let") name: (pattern bound_identifier: (simple_identifier) @name)) @definition.constant)
(source_file
  (property_declaration name: (pattern bound_identifier: (simple_identifier) @name)) @definition.variable)

(call_expression (simple_identifier) @name) @reference.call
(call_expression (navigation_expression suffix: (navigation_suffix suffix: (simple_identifier) @name))) @reference.call
(inheritance_specifier inherits_from: (user_type (type_identifier) @name @reference.implementation))
(user_type (type_identifier) @name @reference.type)
