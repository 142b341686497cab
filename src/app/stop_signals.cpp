// The stop request is one lock-free atomic written by the handler and read between tensors
// by the main and the worker thread; the ranks agree on it through StopAgreement.
#include "stop_signals.h"

#include <atomic>
#include <csignal>
#include <initializer_list>
#include <unistd.h>

namespace nzc::app {
namespace {

// Lock-free, hence safe in a signal handler, and read by other threads without a race.
std::atomic<int> requested = 0;
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void onStopSignal(int signal) {
    if (requested != 0)
        ::_exit(5); // second signal: the user means it (exit code "interrupted")
    requested = signal;
}

} // namespace

void installStopSignals() {
    struct sigaction action = {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; // reads and writes in progress continue
    for (const int signal : {SIGTERM, SIGINT, SIGUSR1})
        sigaction(signal, &action, nullptr);
}

int stopSignal() {
    return requested;
}

const char* signalName(int signal) {
    switch (signal) {
    case SIGTERM:
        return "SIGTERM";
    case SIGINT:
        return "SIGINT";
    case SIGUSR1:
        return "SIGUSR1";
    default:
        return "a signal";
    }
}

StopAgreement::StopAgreement(mpi::Comm comm) : comm_(std::move(comm)) {}

void StopAgreement::start(bool stop, bool finished) {
    sent_ = {stop ? 1U : 0U, finished ? 1U : 0U}; // MPI reads it until completion
    request_ = comm_.iallreduceSum(sent_, sum_);
}

int StopAgreement::decide() const {
    if (sum_[0] > 0)
        return 1;
    return sum_[1] == static_cast<std::uint64_t>(comm_.size()) ? -1 : 0;
}

bool StopAgreement::check() {
    if (agreed_)
        return true;
    if (!request_.pending()) {
        start(false, false); // the first boundary of the round
        return false;
    }
    if (!request_.test())
        return false; // a rank has not reached a boundary since: keep working
    if (decide() == 1) {
        agreed_ = true;
        return true;
    }
    start(false, false);
    return false;
}

bool StopAgreement::finishRound(bool stop) {
    if (!agreed_) {
        // The reduction in flight (if any) was started before this rank knew its answer:
        // complete it, then keep starting reductions with the answer until one decides.
        for (;;) {
            if (request_.pending()) {
                request_.wait();
                const int decision = decide();
                if (decision == 1)
                    agreed_ = true;
                if (decision != 0)
                    break;
            }
            start(stop, true);
        }
    }
    const bool stopped = agreed_;
    agreed_ = false;
    return stopped;
}

} // namespace nzc::app
