// Computes this rank's tensors (runTensorJob) in plan order on a thread of its own, so that
// the main thread's steps between rounds (agreeing on sizes, creating datasets, waiting for
// slower ranks) and the writes of a round overlap the computing of the next round. Local:
// the worker makes no MPI or HDF5 call; the main thread collects the rounds and lets the
// worker go on, which bounds how far it runs ahead (and so the memory it holds).
#pragma once

#include "tensor_job.h"

#include <nzcompress/checkpoint.h>
#include <nzcompress/plan.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace nzc::app {

class TensorWorker {
public:
    /// Starts computing the plan entries `mine` (this rank's, in round order), rounds up to
    /// `firstAllowed` included. With `readAhead`, the next tensor is read (and its checksum
    /// taken) on another thread while one is encoded: for a rank with a spare core. `plan`
    /// and `checkpoint` must outlive the worker.
    TensorWorker(const plan::Plan& plan, std::vector<std::size_t> mine,
                 const checkpoint::Checkpoint& checkpoint, JobSettings settings, int firstAllowed,
                 bool readAhead);
    TensorWorker(const TensorWorker&) = delete;
    TensorWorker& operator=(const TensorWorker&) = delete;
    /// Stops after the tensor being computed and joins the thread.
    ~TensorWorker();

    /// Waits up to `timeout` (sleeping) until every tensor of `round` is computed or the
    /// worker stopped (asked to, or failed). Returns whether that is the case.
    bool waitForRound(int round, std::chrono::milliseconds timeout);
    /// Hands over the outputs of `round` computed so far (all of them unless the worker
    /// stopped), in plan order. Rethrows the worker's failure if it failed on a tensor of
    /// `round`. Call once waitForRound(round) returned true.
    std::vector<TensorOutput> takeRound(int round);
    /// Lets the worker compute rounds up to `round` included.
    void allowRound(int round);
    /// Asks the worker to stop after the tensor it is computing; it computes nothing more.
    void requestStop();

private:
    void run();
    /// Waits until the tensor at `position` of mine_ may be computed; returns false when the
    /// worker is to stop instead.
    bool mayCompute(std::size_t position);

    const plan::Plan& plan_;
    const std::vector<std::size_t> mine_;
    const checkpoint::Checkpoint& checkpoint_;
    const JobSettings settings_;
    const bool readAhead_;

    std::mutex mutex_;
    std::condition_variable changed_; ///< progress of either side
    int allowed_;                     ///< the last round the worker may compute
    bool stopRequested_ = false;
    bool stopped_ = false; ///< the worker computes nothing more
    std::size_t next_ = 0; ///< position in mine_ of the next tensor to compute
    std::map<int, std::vector<TensorOutput>> finished_; ///< computed, not yet taken, by round
    std::exception_ptr failure_;
    int failedRound_ = -1;
    std::thread thread_; ///< last: starts once everything above is set up
};

} // namespace nzc::app
