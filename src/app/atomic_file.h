// A file written under a temporary name in its final folder and renamed into place once
// complete, so that a failed or interrupted write never leaves a truncated file under the
// final name. Streams: data are written as they come, never held whole. Local.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace nzc::app {

/// Throws UsageError ("exists; pass --force") if `path` exists and `overwrite` is false.
void refuseExisting(const std::string& path, bool overwrite);

class AtomicFile {
public:
    /// Creates the temporary file next to `path` (after refuseExisting). Throws IoError.
    AtomicFile(std::string path, bool overwrite);
    ~AtomicFile(); ///< removes the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::string& path() const noexcept { return path_; }
    void write(std::span<const std::uint8_t> bytes);
    void write(std::string_view text);
    /// fsync, close, rename over `path`, fsync the folder. Throws IoError.
    void commit();

private:
    std::string path_;
    std::string temporary_;
    int fd_ = -1;
    bool committed_ = false;
};

} // namespace nzc::app
