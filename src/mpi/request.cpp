// Completion of non-blocking collectives.
#include "check.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

namespace nzc::mpi {

Request::~Request() {
    if (pending_) {
        // MPI still owns the buffers: the only safe way out is to let the operation finish.
        MPI_Request request = MPI_Request_f2c(handle_);
        MPI_Wait(&request, MPI_STATUS_IGNORE);
    }
}

Request::Request(Request&& other) noexcept
    : handle_(other.handle_), pending_(std::exchange(other.pending_, false)) {}

Request& Request::operator=(Request&& other) noexcept {
    if (this != &other) {
        if (pending_) {
            MPI_Request request = MPI_Request_f2c(handle_);
            MPI_Wait(&request, MPI_STATUS_IGNORE);
        }
        handle_ = other.handle_;
        pending_ = std::exchange(other.pending_, false);
    }
    return *this;
}

bool Request::test() {
    if (!pending_)
        return true;
    MPI_Request request = MPI_Request_f2c(handle_);
    int done = 0;
    detail::checkMpi(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done != 0)
        pending_ = false;
    else
        handle_ = MPI_Request_c2f(request);
    return done != 0;
}

void Request::wait() {
    // MPI_Wait polls at full speed: a rank waiting for a slower one would take a core from
    // the threads still computing (its own, or another rank's on the same node). Polling with
    // short sleeps costs at most a millisecond of latency per wait.
    auto pause = std::chrono::microseconds(20);
    while (!test()) {
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(1000));
    }
}

} // namespace nzc::mpi
