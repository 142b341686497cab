// SIGTERM, SIGINT and SIGUSR1 (what Slurm sends before a time limit with --signal) ask the
// compress run to stop at the next tensor boundary, keep what is done and exit with code 5.
// A second signal ends the process at once.
//
// A signal may reach one rank only (kill of one process) or all of them (mpirun forwarding,
// scancel): StopAgreement spreads one rank's wish to stop to the others between tensors,
// without making any rank wait for another while there is work to do.
#pragma once

#include <nzcompress/mpi.h>

#include <array>
#include <cstdint>

namespace nzc::app {

/// Installs the handlers (once per process). Local.
void installStopSignals();
/// The signal that asked to stop, or 0. Local, async-signal-safe to read.
int stopSignal();
/// "SIGTERM", "SIGINT", "SIGUSR1" or "signal N".
const char* signalName(int signal);

/// Agreement on stopping inside a round, at tensor boundaries. The ranks run a chain of
/// non-blocking allreduces of [wants to stop, has finished the round] on a communicator of
/// their own: a rank tests the reduction in flight at each tensor boundary and starts the
/// next one when it has completed. Every rank sees the same sums and decides the same way
/// after each reduction (stop if any rank wants to, end the chain if every rank finished,
/// else continue), so the chain ends after the same reduction everywhere.
///
/// A stop wanted by one rank reaches another at the first boundary of that rank after every
/// rank has reached a boundary once more, i.e. within about one tensor per rank.
class StopAgreement {
public:
    /// `comm` must be used for nothing else. *Collective* (every rank constructs one).
    explicit StopAgreement(mpi::Comm comm);

    /// At a tensor boundary of a rank with more work in the round: whether the ranks have
    /// agreed to stop. Local, never blocks.
    bool check();
    /// After this rank's last tensor of the round, or as soon as it wants to stop (`stop`:
    /// a signal or a failure): takes part in the chain until a stop is agreed or every rank
    /// has finished the round. Returns whether a stop was agreed (the same on every rank).
    /// Resets the chain for the next round. *Collective*.
    bool finishRound(bool stop);

private:
    void start(bool stop, bool finished);
    /// Reads the sums of the completed reduction: 1 stop, 0 continue, -1 all finished.
    int decide() const;

    mpi::Comm comm_;
    std::array<std::uint64_t, 2> sent_{};
    std::array<std::uint64_t, 2> sum_{};
    mpi::Request request_;
    bool agreed_ = false; ///< a completed reduction asked to stop
};

} // namespace nzc::app
