#include "background_sync.h"

#include <nzcompress/errors.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace nzc::app {

BackgroundSync::BackgroundSync(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
        throw IoError(path, std::string("cannot open to sync: ") + std::strerror(errno));
}

BackgroundSync::~BackgroundSync() {
    if (pending_.valid())
        pending_.wait();
    ::close(fd_);
}

void BackgroundSync::start() {
    if (pending_.valid())
        return;
    // fdatasync on any descriptor of the file writes back every dirty page of it, also those
    // written through HDF5's own descriptor.
    pending_ =
        std::async(std::launch::async, [fd = fd_] { return ::fdatasync(fd) == 0 ? 0 : errno; });
}

void BackgroundSync::wait() {
    if (!pending_.valid())
        return;
    const int error = pending_.get();
    if (error != 0)
        throw IoError(path_,
                      std::string("writing the data to disk failed: ") + std::strerror(error));
}

} // namespace nzc::app
