// Temporary file + rename, with the syncs that make the rename durable.
#include "atomic_file.h"

#include <nzcompress/errors.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace nzc::app {
namespace {

std::string osError() {
    return std::strerror(errno);
}

} // namespace

void refuseExisting(const std::string& path, bool overwrite) {
    struct stat status {};
    if (!overwrite && ::lstat(path.c_str(), &status) == 0)
        throw UsageError(path + ": exists; pass --force to overwrite it");
}

AtomicFile::AtomicFile(std::string path, bool overwrite) : path_(std::move(path)) {
    refuseExisting(path_, overwrite);
    temporary_ = path_ + ".tmp." + std::to_string(::getpid());
    fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw IoError(path_, "cannot create: " + osError());
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0)
        ::close(fd_);
    if (!committed_)
        ::unlink(temporary_.c_str());
}

void AtomicFile::write(std::span<const std::uint8_t> bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t put = ::write(fd_, bytes.data() + done, bytes.size() - done);
        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            throw IoError(path_, "write failed: " + osError());
        done += static_cast<std::size_t>(put);
    }
}

void AtomicFile::write(std::string_view text) {
    write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void AtomicFile::commit() {
    if (::fsync(fd_) != 0)
        throw IoError(path_, "write failed: " + osError());
    const int fd = fd_;
    fd_ = -1;
    // close() can report a deferred write error (NFS, quotas).
    if (::close(fd) != 0)
        throw IoError(path_, "write failed: " + osError());
    if (::rename(temporary_.c_str(), path_.c_str()) != 0)
        throw IoError(path_, "cannot rename into place: " + osError());
    committed_ = true;
    const std::filesystem::path folder = std::filesystem::path(path_).parent_path();
    const int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir); // best effort: the data are already in place
        ::close(dir);
    }
}

} // namespace nzc::app
