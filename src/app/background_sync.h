// Makes a file's written data durable on another thread (fdatasync through a read-only
// descriptor of its own), so that the disk writes one round of a compress run while the next
// round is computed. Local: no MPI, no HDF5; each rank syncs what it wrote on its node.
#pragma once

#include <future>
#include <string>

namespace nzc::app {

class BackgroundSync {
public:
    /// Opens `path` read-only (throws IoError if it cannot).
    explicit BackgroundSync(const std::string& path);
    BackgroundSync(const BackgroundSync&) = delete;
    BackgroundSync& operator=(const BackgroundSync&) = delete;
    /// Waits for a sync still running, then closes the descriptor.
    ~BackgroundSync();

    /// Starts an fdatasync of everything written to the file so far. Local.
    void start();
    /// Waits for the sync started last, if any; throws IoError naming the file if it failed.
    /// Local.
    void wait();

private:
    std::string path_;
    int fd_ = -1;
    std::future<int> pending_; ///< the errno of the sync, 0 on success
};

} // namespace nzc::app
