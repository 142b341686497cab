// MPI for the pipeline: an RAII environment, a move-only communicator and the few collectives
// nzcompress needs. Every member says whether it is *collective* (every rank of the
// communicator must call it, in the same order) or *local*. MPI failures throw MpiError with
// the name of the call and MPI's own message; the communicators here return errors instead
// of aborting (MPI_ERRORS_RETURN) so that a failure can be reported, not crash the job.
#pragma once

#include <nzcompress/errors.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Keep <mpi.h> out of every user of this header: MPI handles are stored as the integer
// handles of MPI_Comm_c2f / MPI_Request_c2f (Open MPI and MPICH both support them).
namespace nzc::mpi {

/// A failed MPI call (exit code 1: MPI failing is not an input or file problem we know of).
class MpiError : public Error {
public:
    MpiError(const std::string& call, const std::string& reason)
        : Error(ExitCode::Internal, "", "", "MPI: " + call + ": " + reason) {}
};

/// Initialises MPI (MPI_Init_thread, MPI_THREAD_FUNNELED) and finalises it on destruction.
/// Works without a launcher (a singleton world of one rank). If MPI is already initialised,
/// this object neither initialises nor finalises it. Move-only. *Collective* over
/// MPI_COMM_WORLD at construction and destruction.
class Environment {
public:
    Environment();
    Environment(int* argc, char*** argv);
    ~Environment();
    Environment(Environment&& other) noexcept;
    Environment& operator=(Environment&& other) noexcept;
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;

    /// Whether MPI_Init has run and MPI_Finalize has not. Local.
    static bool isInitialized();
    /// The thread level MPI granted. Local.
    int threadLevel() const noexcept { return threadLevel_; }

private:
    void initialize(int* argc, char*** argv);
    bool owns_ = false;
    int threadLevel_ = 0;
};

/// The outcome of a non-blocking collective started on a Comm. Move-only; destroying a
/// pending request waits for it (a request cannot be dropped safely while MPI uses its
/// buffers).
class Request {
public:
    Request() = default;
    ~Request();
    Request(Request&& other) noexcept;
    Request& operator=(Request&& other) noexcept;
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;

    /// Whether an operation is outstanding. Local.
    bool pending() const noexcept { return pending_; }
    /// Completes the operation if it has finished; returns true when it has (or none was
    /// pending). Local (never blocks).
    bool test();
    /// Blocks until the operation finishes, sleeping between polls (leaves the core to other
    /// threads and ranks). Local to this rank, but finishes only once every rank has started
    /// the matching collective.
    void wait();

private:
    friend class Comm;
    explicit Request(int handle) : handle_(handle), pending_(true) {}
    int handle_ = 0;
    bool pending_ = false;
};

/// A communicator. `world()` wraps MPI_COMM_WORLD without owning it; `dup()` makes an owned
/// copy (freed on destruction, which is *collective*). Move-only.
class Comm {
public:
    /// MPI_COMM_WORLD with errors returned, not fatal. Local (after Environment).
    static Comm world();

    Comm() = default;
    ~Comm();
    Comm(Comm&& other) noexcept;
    Comm& operator=(Comm&& other) noexcept;
    Comm(const Comm&) = delete;
    Comm& operator=(const Comm&) = delete;

    /// A new communicator over the same ranks, so that unrelated traffic (progress reports,
    /// HDF5) cannot be matched with ours. *Collective*.
    Comm dup() const;
    /// How many ranks of this communicator share this rank's node (shared memory).
    /// *Collective*.
    int ranksOnThisNode() const;

    int rank() const noexcept { return rank_; }
    int size() const noexcept { return size_; }
    bool isRoot() const noexcept { return rank_ == 0; }
    /// The MPI_Comm handle as Fortran integer (MPI_Comm_f2c gives it back). Local.
    int fortranHandle() const noexcept { return handle_; }

    /// MPI_Barrier. *Collective*.
    void barrier() const;

    /// Root's bytes end in `bytes` on every rank (resized as needed). *Collective*.
    void broadcast(std::vector<std::uint8_t>& bytes, int root = 0) const;
    /// Root's string, returned on every rank. *Collective*.
    std::string broadcast(std::string_view text, int root = 0) const;

    /// Every rank's value, by rank. *Collective*.
    std::vector<std::uint64_t> allgather(std::uint64_t value) const;
    std::vector<int> allgather(int value) const;
    /// Every rank's byte record, by rank (sizes exchanged first). *Collective*.
    std::vector<std::vector<std::uint8_t>> allgatherv(std::span<const std::uint8_t> mine) const;
    /// Every rank's record at `root`, by rank; other ranks get an empty vector. *Collective*.
    std::vector<std::vector<std::uint8_t>> gatherv(std::span<const std::uint8_t> mine,
                                                   int root = 0) const;

    /// Sum of the values of the ranks before this one (0 on rank 0): the offset of this
    /// rank's part in a shared sequence. *Collective*.
    std::uint64_t exscanSum(std::uint64_t value) const;
    /// Sum over all ranks. *Collective*.
    std::uint64_t allreduceSum(std::uint64_t value) const;
    /// Maximum over all ranks. *Collective*.
    int allreduceMax(int value) const;
    std::uint64_t allreduceMax(std::uint64_t value) const;
    /// Whether every rank passed true. *Collective*.
    bool allTrue(bool value) const;

    /// Starts a non-blocking barrier. *Collective* (every rank must start it, in the same
    /// order relative to other collectives on this communicator).
    Request ibarrier() const;
    /// Starts a non-blocking element-wise sum of `values` into `result` (same size; both
    /// must stay alive and untouched until the request completes). *Collective*.
    Request iallreduceSum(std::span<const std::uint64_t> values,
                          std::span<std::uint64_t> result) const;

private:
    Comm(int handle, bool owned);
    int handle_ = 0;
    bool owned_ = false;
    int rank_ = 0;
    int size_ = 1;
};

} // namespace nzc::mpi
