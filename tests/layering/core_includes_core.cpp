// The control of core_includes_storage.cpp: the same probe with only core/ and tools/
// headers compiles, so the other probe fails for its include alone.
#include "core/schema.h"
#include "tools/json_text.h"
