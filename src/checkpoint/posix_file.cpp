#include "posix_file.h"

#include "nzcompress/errors.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace nzc::checkpoint {

PosixFile::PosixFile(std::string path) : path_(std::move(path)) {
    do {
        fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd_ < 0 && errno == EINTR);
    if (fd_ < 0)
        throw IoError(path_, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        int err = errno;
        ::close(fd_);
        throw IoError(path_, std::string("cannot stat: ") + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd_);
        throw IoError(path_, "not a regular file");
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
}

PosixFile::PosixFile(PosixFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

PosixFile::~PosixFile() {
    if (fd_ >= 0)
        ::close(fd_);
}

void PosixFile::readExact(std::uint64_t offset, std::span<std::uint8_t> out) const {
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw IoError(path_, "read of " + std::to_string(out.size()) + " bytes at offset " +
                                     std::to_string(offset) + " failed: " + std::strerror(errno));
        }
        if (n == 0)
            throw IoError(path_, "short read: " + std::to_string(done) + " of " +
                                     std::to_string(out.size()) + " bytes at offset " +
                                     std::to_string(offset) + " (file changed or truncated?)");
        done += static_cast<std::size_t>(n);
    }
}

} // namespace nzc::checkpoint
