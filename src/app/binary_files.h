// Whole-file reads and writes for the small single-buffer commands (codec,
// compress_excutor). Local. Failures throw nzc::IoError naming the path and the OS error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace nzc::app {

std::vector<std::uint8_t> readBinaryFile(const std::string& path);

/// Writes `bytes` to `path` through a temporary file in the same folder renamed into place,
/// so a failed write never leaves a truncated file under the final name. Refuses to replace an
/// existing file unless `overwrite` (throws UsageError).
void writeBinaryFile(const std::string& path, std::span<const std::uint8_t> bytes, bool overwrite);

} // namespace nzc::app
