// --progress: rank 0 prints tensors done / total, bytes done, MB/s and ETA every S seconds.
// Counts are summed with non-blocking allreduces on a communicator of their own, started by
// each rank when its own timer expires and tested between tensors, so no rank ever waits for
// another to report (the mpiFileUtils approach).
#pragma once

#include <nzcompress/mpi.h>

#include <array>
#include <chrono>
#include <cstdint>

namespace nzc::app {

class Progress {
public:
    /// `comm` must be used for nothing else. Inactive when seconds <= 0. *Collective*
    /// (duplicates nothing itself, but every rank must construct it with the same seconds).
    Progress(mpi::Comm comm, double seconds, std::uint64_t totalTensors, std::uint64_t totalBytes);

    /// Adds this rank's finished work. Local.
    void add(std::uint64_t tensors, std::uint64_t bytes);
    /// Completes a finished report (rank 0 prints it) and starts the next when due. Local,
    /// never blocks.
    void tick();
    /// Takes part in reports until every rank has called finish. *Collective*: call it on
    /// every rank after the last other collective of the run.
    void finish();

private:
    void start(bool finished);
    void print() const;

    mpi::Comm comm_;
    bool active_;
    double seconds_;
    std::uint64_t totalTensors_;
    std::uint64_t totalBytes_;
    std::array<std::uint64_t, 3> mine_{}; ///< tensors, bytes, finished flag
    std::array<std::uint64_t, 3> sent_{};
    std::array<std::uint64_t, 3> sum_{};
    mpi::Request request_;
    std::chrono::steady_clock::time_point begin_;
    std::chrono::steady_clock::time_point last_;
};

} // namespace nzc::app
