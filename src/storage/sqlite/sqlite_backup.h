// An online copy of a SQLite database file (`events backup FILE`, docs/OPERATIONS.md
// "Backups"), with SQLite's online backup API (https://sqlite.org/backup.html).
//
// The copy is made in one step under one read transaction of its own connection: in WAL
// mode that is one consistent snapshot, and writers (this process's or a running
// server's) go on meanwhile. The target is written to `target_path` + ".partial" and
// renamed into place when complete, so a failed copy never leaves a half file under the
// target's name.
#pragma once

#include <cstdint>
#include <string>

namespace events {

// Copies the database at `source_path` to `target_path` (replaced when it exists).
// Returns the pages copied. Throws std::runtime_error naming the file and SQLite's
// message when either file cannot be opened or the copy fails.
int64_t sqlite_online_backup(const std::string& source_path, const std::string& target_path);

}  // namespace events
