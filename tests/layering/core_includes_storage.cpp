// A core/ file that includes a storage/ header. It must NOT compile: core/ sits below
// storage/, and the build gives each layer only the include roots of itself and the layers
// below (CMakeLists.txt, events_layer). Built only by the ctest
// layering_core_cannot_include_storage, which expects the compiler to refuse the include.
#include "core/schema.h"
#include "storage/driver.h"
