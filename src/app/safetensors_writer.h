// Writes a safetensors file (8-byte little-endian header length, JSON header padded with
// spaces to a multiple of 8, then the tensors' bytes back to back) one tensor at a time,
// atomically. Local.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace nzc::app {

/// One tensor to write; `read` supplies exactly `bytes` bytes when its turn comes, so only one
/// tensor is held in memory at a time.
struct SafetensorsEntry {
    std::string name;
    std::string dtype; ///< safetensors spelling
    std::vector<std::uint64_t> shape;
    std::uint64_t bytes = 0;
    std::function<std::vector<std::uint8_t>()> read;
};

/// Writes `entries` to `path` (refusing to replace an existing file unless `overwrite`),
/// ordered by element size, largest first (stable otherwise), so that every tensor's data are
/// aligned to its element size. `metadata` becomes the header's "__metadata__". The header's
/// keys keep that order and non-ASCII characters are written as \u escapes. Returns the bytes
/// of tensor data written. Throws UsageError, IoError, or std::logic_error if a reader returns
/// the wrong size.
std::uint64_t writeSafetensors(const std::string& path, std::vector<SafetensorsEntry> entries,
                               const std::map<std::string, std::string>& metadata, bool overwrite);

} // namespace nzc::app
