// Move-free RAII over libzip: an archive opened read-only with consistency checks, and one
// member's (inflated) byte stream. libzip failures on a readable file are malformed input.
#pragma once

#include <zip.h>

#include <cstdint>
#include <span>
#include <string>

namespace nzc::checkpoint {

class ZipArchive {
public:
    explicit ZipArchive(std::string path); ///< InputError if not a valid zip, IoError if unreadable
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;
    ~ZipArchive();

    zip_t* get() const { return zip_; }
    const std::string& path() const { return path_; }
    /// Index of the member called `name`; InputError if absent.
    zip_uint64_t locate(const std::string& name) const;

private:
    std::string path_;
    zip_t* zip_ = nullptr;
};

class ZipMemberStream {
public:
    /// `label` names the member in messages ("weights.npz:w.npy").
    ZipMemberStream(const ZipArchive& archive, zip_uint64_t index, std::string label);
    ZipMemberStream(const ZipMemberStream&) = delete;
    ZipMemberStream& operator=(const ZipMemberStream&) = delete;
    ~ZipMemberStream();

    /// Fills `out` from the stream; InputError if the member ends first or fails to inflate.
    void readExact(std::span<std::uint8_t> out);
    /// Reads and drops `n` bytes (deflate streams cannot seek).
    void skip(std::uint64_t n);

private:
    std::string label_;
    zip_file_t* file_ = nullptr;
};

} // namespace nzc::checkpoint
