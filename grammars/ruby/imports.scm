; Ruby imports: `require 'x'` and `require_relative 'x'`; the relative form is marked by @import.submodule,
; which the resolver reads as "relative to this file".
((call
   method: (identifier) @_method
   arguments: (argument_list . (string (string_content) @import.module))) @import
 (#eq? @_method "require"))
((call
   method: (identifier) @_method
   arguments: (argument_list . (string (string_content) @import.submodule))) @import
 (#eq? @_method "require_relative"))
