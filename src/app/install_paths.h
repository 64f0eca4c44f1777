// Where `cmake --install` and the Debian package put the server's data files, found from
// the running binary, so an installed server finds them under any prefix:
// <prefix>/bin/events -> <prefix>/share/events (docs/INSTALL.md).
#pragma once

#include <string>

namespace events {

// <prefix>/share/events for the binary at <prefix>/bin/events (lexically normalised, not
// checked for existence); "" when the binary's path cannot be read (/proc/self/exe).
std::string installed_data_dir();

// <prefix>/share/events/swagger-ui when it holds swagger-ui-bundle.js (the package ships it
// when the build had it), else "": the default of `swagger_ui_dir` for GET /docs ahead of
// the build tree's copy.
std::string installed_swagger_ui_dir();

// <prefix>/share/events/admin-ui when it holds index.html (the package ships the admin UI
// when the build had it, scripts/build-ui.sh), else "": the default of `admin_ui_dir` for
// GET /admin/ ahead of the build tree's copy (docs/INSTALL.md).
std::string installed_admin_ui_dir();

}  // namespace events
