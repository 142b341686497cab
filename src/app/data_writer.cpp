#include "data_writer.h"

#include <nzcompress/errors.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <unistd.h>

namespace nzc::app {
namespace {

/// The bounce buffer: large enough that a direct write is a few system calls per tensor,
/// small enough to stay out of the memory budget's way.
constexpr std::size_t kStagingBytes = std::size_t{8} << 20;

std::string writeFailure(std::size_t bytes, std::uint64_t offset, int error) {
    return "cannot write " + std::to_string(bytes) + " bytes at byte " + std::to_string(offset) +
           ": " + std::strerror(error);
}

} // namespace

DataWriter::DataWriter(const std::string& path, bool tryDirect) : path_(path) {
    bufferedFd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (bufferedFd_ < 0)
        throw IoError(path, std::string("cannot open for writing: ") + std::strerror(errno));
    if (tryDirect) {
        // EINVAL: the file system has no O_DIRECT (tmpfs); everything goes buffered then.
        directFd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_DIRECT);
        if (directFd_ < 0)
            spdlog::debug("{}: no O_DIRECT ({}), writing through the page cache", path,
                          std::strerror(errno));
    }
}

DataWriter::~DataWriter() {
    if (pending_.valid())
        pending_.wait();
    if (directFd_ >= 0)
        ::close(directFd_);
    ::close(bufferedFd_);
}

void DataWriter::start(std::vector<Piece> pieces, std::shared_ptr<const void> keepAlive) {
    wait();
    std::promise<void> written;
    written_ = written.get_future();
    // The bytes are released on the writer's thread as soon as they are written, before the
    // sync (the task itself lives on until wait()): the compute side may use the memory again
    // while the disk commits.
    pending_ = std::async(std::launch::async, [this, pieces = std::move(pieces),
                                               keepAlive = std::move(keepAlive),
                                               written = std::move(written)]() mutable {
        try {
            for (const Piece& piece : pieces)
                writePiece(piece);
        } catch (...) {
            keepAlive.reset();
            written.set_exception(std::current_exception());
            throw;
        }
        keepAlive.reset();
        written.set_value();
        // Also writes back what HDF5 wrote through its own descriptor (the same file).
        if (::fdatasync(bufferedFd_) != 0)
            throw IoError(path_,
                          std::string("writing the data to disk failed: ") + std::strerror(errno));
    });
}

void DataWriter::collect(std::future<void>& result) {
    if (result.valid()) {
        try {
            result.get();
        } catch (...) {
            error_ = std::current_exception();
        }
    }
    if (error_)
        std::rethrow_exception(error_);
}

void DataWriter::waitWritten() {
    collect(written_);
}

void DataWriter::wait() {
    written_ = {};
    collect(pending_);
}

void DataWriter::writePiece(const Piece& piece) {
    std::uint64_t offset = piece.offset;
    std::span<const std::uint8_t> rest = piece.bytes;
    // Only the whole pages of a piece that starts on a page (HDF5 aligns every large
    // dataset) can go direct; the pages hold no other object's bytes.
    if (direct() && offset % kDirectAlignment == 0) {
        const std::size_t whole = rest.size() - rest.size() % kDirectAlignment;
        if (whole > 0 && writeDirect(offset, rest.first(whole))) {
            offset += whole;
            rest = rest.subspan(whole);
        }
    }
    writeBuffered(offset, rest);
}

void DataWriter::writeBuffered(std::uint64_t offset, std::span<const std::uint8_t> bytes) {
    while (!bytes.empty()) {
        const ssize_t written =
            ::pwrite(bufferedFd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            throw IoError(path_, writeFailure(bytes.size(), offset, written < 0 ? errno : EIO));
        offset += static_cast<std::uint64_t>(written);
        bytes = bytes.subspan(static_cast<std::size_t>(written));
    }
}

// Returns false, having written nothing, if the file system refuses O_DIRECT writes (EINVAL
// or EOPNOTSUPP: some file systems accept the open but not the write); the caller then
// writes buffered.
bool DataWriter::writeDirect(std::uint64_t offset, std::span<const std::uint8_t> bytes) {
    if (!staging_) {
        void* memory = std::aligned_alloc(kDirectAlignment, kStagingBytes);
        if (memory == nullptr)
            throw std::bad_alloc();
        staging_ = {static_cast<std::uint8_t*>(memory), &std::free};
    }
    bool first = true;
    while (!bytes.empty()) {
        const std::size_t piece = std::min(bytes.size(), kStagingBytes);
        std::memcpy(staging_.get(), bytes.data(), piece);
        std::size_t done = 0;
        while (done < piece) {
            const ssize_t written = ::pwrite(directFd_, staging_.get() + done, piece - done,
                                             static_cast<off_t>(offset + done));
            if (written < 0 && errno == EINTR)
                continue;
            if (written < 0 && first && (errno == EINVAL || errno == EOPNOTSUPP)) {
                spdlog::debug("{}: O_DIRECT writes refused, writing through the page cache", path_);
                directRefused_ = true;
                return false;
            }
            if (written <= 0)
                throw IoError(path_,
                              writeFailure(piece - done, offset + done, written < 0 ? errno : EIO));
            // A short direct write ends on a block boundary in practice; go on from there,
            // buffered if it did not, since O_DIRECT needs aligned offsets.
            done += static_cast<std::size_t>(written);
            if (done < piece && done % kDirectAlignment != 0) {
                writeBuffered(offset + done, bytes.subspan(done, piece - done));
                done = piece;
            }
            first = false;
        }
        offset += piece;
        bytes = bytes.subspan(piece);
    }
    return true;
}

} // namespace nzc::app
