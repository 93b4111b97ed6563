; C includes: `"local.h"` and `<system.h>` alike are @import.module; the resolver tells them apart by the quotes.
(preproc_include path: [(string_literal) (system_lib_string)] @import.module) @import
