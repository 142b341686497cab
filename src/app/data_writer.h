// Writes a round's tensor data into the output file from a thread of its own, at the offsets
// HDF5 allocated for the datasets, then makes them durable (fdatasync), so that the disk
// works while the next round is computed. Local: no MPI and no HDF5 calls; each rank writes
// and syncs its own data through its own descriptors.
//
// The whole pages of a piece go with O_DIRECT where the file system accepts it: no copy into
// the page cache (in a virtual machine, fresh page-cache pages are the largest cost of a
// write), and no output left behind in the cache. Bytes outside whole pages, and everything
// on file systems without O_DIRECT (tmpfs), go through ordinary writes.
#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nzc::app {

class DataWriter {
public:
    /// Bytes to write at an offset of the file.
    struct Piece {
        std::uint64_t offset = 0;
        std::span<const std::uint8_t> bytes;
    };

    /// Opens `path` (which must exist) for writing; with `tryDirect`, also with O_DIRECT if
    /// the file system supports it. Throws IoError naming the file.
    explicit DataWriter(const std::string& path, bool tryDirect = true);
    DataWriter(const DataWriter&) = delete;
    DataWriter& operator=(const DataWriter&) = delete;
    /// Waits for a batch still being written (its errors are dropped: call wait() to see them).
    ~DataWriter();

    /// Starts writing `pieces`, then an fdatasync of the file. `keepAlive` owns the bytes and
    /// is released once they are written (before the sync). Waits for the previous batch
    /// first (see wait()).
    void start(std::vector<Piece> pieces, std::shared_ptr<const void> keepAlive);
    /// Waits until everything started so far is written and synced. Throws IoError naming the
    /// file if a write or the sync failed; an error is kept, and thrown again by every later
    /// call, since data it lost cannot be written anymore.
    void wait();
    /// Waits until the bytes of the batch in flight are written (and released), not for its
    /// sync. Throws like wait().
    void waitWritten();
    /// Whether whole pages are written with O_DIRECT (false once the file system refused it).
    bool direct() const noexcept { return directFd_ >= 0 && !directRefused_; }

    /// The alignment O_DIRECT needs of offsets, lengths and memory: a page, a multiple of the
    /// block size of every common device and of Lustre's and GPFS's requirements.
    static constexpr std::size_t kDirectAlignment = 4096;

private:
    /// Waits for `result` if it is pending and keeps its error; throws the kept error.
    void collect(std::future<void>& result);
    void writePiece(const Piece& piece);
    void writeBuffered(std::uint64_t offset, std::span<const std::uint8_t> bytes);
    bool writeDirect(std::uint64_t offset, std::span<const std::uint8_t> bytes);

    std::string path_;
    int bufferedFd_ = -1;
    int directFd_ = -1;
    std::atomic<bool> directRefused_{false};
    /// Page-aligned bounce buffer for O_DIRECT (the tensors' own buffers are not aligned).
    std::unique_ptr<std::uint8_t, void (*)(void*)> staging_{nullptr, nullptr};
    std::future<void> pending_; ///< writes and sync
    std::future<void> written_; ///< writes only
    std::exception_ptr error_;
};

} // namespace nzc::app
