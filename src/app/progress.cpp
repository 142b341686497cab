// Non-blocking progress reports.
#include "progress.h"

#include <fmt/format.h>

#include <cstdio>

namespace nzc::app {

Progress::Progress(mpi::Comm comm, double seconds, std::uint64_t totalTensors,
                   std::uint64_t totalBytes)
    : comm_(std::move(comm)), active_(seconds > 0), seconds_(seconds), totalTensors_(totalTensors),
      totalBytes_(totalBytes), begin_(std::chrono::steady_clock::now()), last_(begin_) {}

void Progress::add(std::uint64_t tensors, std::uint64_t bytes) {
    mine_[0] += tensors;
    mine_[1] += bytes;
}

void Progress::start(bool finished) {
    mine_[2] = finished ? 1 : 0;
    sent_ = mine_; // MPI reads the send buffer until completion: keep a stable copy
    request_ = comm_.iallreduceSum(sent_, sum_);
    last_ = std::chrono::steady_clock::now();
}

void Progress::tick() {
    if (!active_)
        return;
    if (request_.pending()) {
        if (!request_.test())
            return;
        print();
    }
    const std::chrono::duration<double> since = std::chrono::steady_clock::now() - last_;
    if (since.count() >= seconds_)
        start(false);
}

void Progress::finish() {
    if (!active_)
        return;
    // A report is over when all ranks have contributed to it; ranks that are finished keep
    // starting reports (flagged finished) until one report shows every rank finished. All
    // ranks see the same sums, so all leave after the same report.
    for (;;) {
        if (request_.pending()) {
            request_.wait();
            if (sum_[2] == static_cast<std::uint64_t>(comm_.size()))
                break;
        }
        start(true);
    }
    print();
}

void Progress::print() const {
    if (!comm_.isRoot())
        return;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - begin_;
    const double seconds = std::max(elapsed.count(), 1e-9);
    const double rate = static_cast<double>(sum_[1]) / seconds;
    std::string eta = "--";
    if (rate > 0 && sum_[1] <= totalBytes_) {
        const auto left =
            static_cast<std::uint64_t>(static_cast<double>(totalBytes_ - sum_[1]) / rate + 0.5);
        eta = fmt::format("{:02}:{:02}:{:02}", left / 3600, left / 60 % 60, left % 60);
    }
    const double percent =
        totalBytes_ > 0 ? 100.0 * static_cast<double>(sum_[1]) / static_cast<double>(totalBytes_)
                        : 100.0;
    std::fputs(fmt::format("progress: {}/{} tensors, {:.1f}/{:.1f} MiB ({:.1f}%), {:.1f} MB/s, "
                           "ETA {}\n",
                           sum_[0], totalTensors_, static_cast<double>(sum_[1]) / 1048576.0,
                           static_cast<double>(totalBytes_) / 1048576.0, percent, rate / 1e6, eta)
                   .c_str(),
               stdout);
    std::fflush(stdout);
}

} // namespace nzc::app
