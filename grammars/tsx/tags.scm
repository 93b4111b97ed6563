; inherits: typescript

; JSX: a capitalised element is a component, rendered like a call (`<Button/>` calls `Button`).
((jsx_opening_element name: (identifier) @name) @reference.call (#match? @name "^[A-Z]"))
((jsx_self_closing_element name: (identifier) @name) @reference.call (#match? @name "^[A-Z]"))
