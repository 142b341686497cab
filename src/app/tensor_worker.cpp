#include "tensor_worker.h"

#include "stop_signals.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace nzc::app {
namespace {

/// How much nicer the computing threads are than the main thread.
constexpr int kWorkerNiceness = 10;

// Below the main thread in priority: the main thread needs a core only for short collective
// steps, but every rank waits for the slowest to get there, so it should not queue behind
// the computing threads (this one, and those it starts, which inherit it). A failure only
// costs speed.
void lowerThisThreadsPriority() {
    const auto thread = static_cast<id_t>(::gettid());
    errno = 0;
    const int nice = ::getpriority(PRIO_PROCESS, thread); // -1 is a valid value
    if (errno == 0)
        ::setpriority(PRIO_PROCESS, thread, std::min(nice + kWorkerNiceness, 19));
}

} // namespace

TensorWorker::TensorWorker(const plan::Plan& plan, std::vector<std::size_t> mine,
                           const checkpoint::Checkpoint& checkpoint, JobSettings settings,
                           int firstAllowed, bool readAhead)
    : plan_(plan), mine_(std::move(mine)), checkpoint_(checkpoint), settings_(settings),
      readAhead_(readAhead), allowed_(firstAllowed), thread_([this] { run(); }) {}

TensorWorker::~TensorWorker() {
    requestStop();
    thread_.join();
}

bool TensorWorker::mayCompute(std::size_t position) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
        return stopRequested_ || position == mine_.size() ||
               plan_.tensors[mine_[position]].round <= allowed_;
    });
    // A signal stops the worker at once; the main thread sees it too and tells the other
    // ranks.
    if (stopRequested_ || position == mine_.size() || stopSignal() != 0) {
        stopped_ = true;
        changed_.notify_all();
        return false;
    }
    return true;
}

void TensorWorker::run() {
    lowerThisThreadsPriority();
    // The next tensor being read on a thread of its own (read-ahead only). The read buffer it
    // holds is the "largest tensor" the memory bound allows on top of the budget.
    std::future<LoadedTensor> ahead;
    for (std::size_t position = 0; mayCompute(position); ++position) {
        const std::size_t index = mine_[position];
        const int round = plan_.tensors[index].round;
        try {
            LoadedTensor loaded =
                ahead.valid() ? ahead.get() : loadTensor(plan_, index, checkpoint_, settings_);
            if (readAhead_ && position + 1 < mine_.size())
                ahead = std::async(std::launch::async, [this, next = mine_[position + 1]] {
                    return loadTensor(plan_, next, checkpoint_, settings_);
                });
            TensorOutput output = encodeTensor(plan_, std::move(loaded));
            const std::lock_guard lock(mutex_);
            finished_[round].push_back(std::move(output));
            next_ = position + 1;
        } catch (...) {
            const std::lock_guard lock(mutex_);
            failure_ = std::current_exception();
            failedRound_ = round;
            stopped_ = true;
            changed_.notify_all();
            return; // (a read still ahead is waited for by the future's destructor)
        }
        changed_.notify_all();
    }
}

bool TensorWorker::waitForRound(int round, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
        return stopped_ || next_ == mine_.size() || plan_.tensors[mine_[next_]].round > round;
    });
}

std::vector<TensorOutput> TensorWorker::takeRound(int round) {
    const std::lock_guard lock(mutex_);
    if (failure_ && failedRound_ <= round)
        std::rethrow_exception(failure_);
    std::vector<TensorOutput> outputs;
    if (const auto found = finished_.find(round); found != finished_.end()) {
        outputs = std::move(found->second);
        finished_.erase(found);
    }
    return outputs;
}

void TensorWorker::allowRound(int round) {
    {
        const std::lock_guard lock(mutex_);
        allowed_ = std::max(allowed_, round);
    }
    changed_.notify_all();
}

void TensorWorker::requestStop() {
    {
        const std::lock_guard lock(mutex_);
        stopRequested_ = true;
    }
    changed_.notify_all();
}

} // namespace nzc::app
