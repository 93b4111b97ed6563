; Ruby definitions and references. Methods are `method`s inside a class or module, functions at top level.

(class body: (body_statement (method name: (_) @name) @definition.method))
(module body: (body_statement (method name: (_) @name) @definition.method))
(singleton_method name: (_) @name) @definition.method
(method name: (_) @name) @definition.function
(class name: [(constant) @name (scope_resolution name: (_) @name)]) @definition.class
(module name: [(constant) @name (scope_resolution name: (_) @name)]) @definition.module
(assignment left: (constant) @name) @definition.constant

(call method: (identifier) @name) @reference.call
(superclass (constant) @name @reference.implementation)
