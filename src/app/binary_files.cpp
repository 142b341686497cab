#include "binary_files.h"

#include <nzcompress/errors.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nzc::app {

namespace {

std::string osError() {
    return std::strerror(errno);
}

/// Closes a file descriptor on scope exit.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int get() const { return fd_; }
    /// Closes now and reports whether the close succeeded (it can report a deferred write error).
    bool close() {
        const int fd = fd_;
        fd_ = -1;
        return ::close(fd) == 0;
    }

private:
    int fd_;
};

} // namespace

std::vector<std::uint8_t> readBinaryFile(const std::string& path) {
    FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0)
        throw IoError(path, "cannot open for reading: " + osError());
    struct stat status {};
    if (::fstat(file.get(), &status) != 0)
        throw IoError(path, "cannot stat: " + osError());
    if (!S_ISREG(status.st_mode))
        throw IoError(path, "not a regular file");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(status.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t got =
            ::pread(file.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw IoError(path, "read failed: " + osError());
        if (got == 0)
            throw IoError(path, "file shrank while being read");
        done += static_cast<std::size_t>(got);
    }
    return bytes;
}

void writeBinaryFile(const std::string& path, std::span<const std::uint8_t> bytes, bool overwrite) {
    struct stat status {};
    if (!overwrite && ::stat(path.c_str(), &status) == 0)
        throw UsageError(path + ": exists; pass --force to overwrite it");
    const std::string temporary = path + ".tmp." + std::to_string(::getpid());
    FileDescriptor file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (file.get() < 0)
        throw IoError(path, "cannot create: " + osError());
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t put = ::write(file.get(), bytes.data() + done, bytes.size() - done);
        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0) {
            const std::string reason = osError();
            ::unlink(temporary.c_str());
            throw IoError(path, "write failed: " + reason);
        }
        done += static_cast<std::size_t>(put);
    }
    if (::fsync(file.get()) != 0 || !file.close()) {
        const std::string reason = osError();
        ::unlink(temporary.c_str());
        throw IoError(path, "write failed: " + reason);
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string reason = osError();
        ::unlink(temporary.c_str());
        throw IoError(path, "cannot rename into place: " + reason);
    }
}

} // namespace nzc::app
