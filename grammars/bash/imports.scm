; Bash imports: `source file` and `. file`; the file is @import.submodule (relative to the script).
((command
   name: (command_name (word) @_cmd)
   argument: [(word) (string) (raw_string)] @import.submodule) @import
 (#any-of? @_cmd "source" "."))
