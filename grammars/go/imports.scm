; Go imports: the import path without quotes is @import.module.
(import_spec path: (interpreted_string_literal (interpreted_string_literal_content) @import.module)) @import
