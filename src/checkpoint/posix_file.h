// A read-only POSIX file: open, size, and exact positioned reads. OS failures become
// nzc::IoError with strerror; a file shorter than a read needs is reported by the callers,
// which know whether that is malformed input or a changed file.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace nzc::checkpoint {

class PosixFile {
public:
    explicit PosixFile(std::string path); ///< throws IoError
    PosixFile(PosixFile&& other) noexcept;
    PosixFile& operator=(PosixFile&&) = delete;
    PosixFile(const PosixFile&) = delete;
    PosixFile& operator=(const PosixFile&) = delete;
    ~PosixFile();

    const std::string& path() const { return path_; }
    std::uint64_t size() const { return size_; }

    /// Reads exactly out.size() bytes at `offset`; IoError on an OS error or a short read.
    void readExact(std::uint64_t offset, std::span<std::uint8_t> out) const;

private:
    std::string path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

} // namespace nzc::checkpoint
