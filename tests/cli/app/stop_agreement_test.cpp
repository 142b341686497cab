// StopAgreement under MPI with 1-4 ranks: whoever asks to stop, and however many tensors each
// rank has in the round, every rank gets the same answer, the ranks that did not ask stop
// early, and the next round starts afresh.
#include "stop_signals.h"

#include <nzcompress/mpi.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace nzc::app {
namespace {

struct Outcome {
    int done = 0;
    bool stopped = false;
};

// One round of `tensors` tensors of about 1 ms each on this rank; if `askAt` >= 0 this rank
// asks to stop at that boundary (askAt == tensors: after its last tensor).
Outcome runRound(StopAgreement& stop, int tensors, int askAt) {
    Outcome outcome;
    bool ask = false;
    for (int t = 0; t < tensors; ++t) {
        if (t == askAt) {
            ask = true;
            break;
        }
        if (stop.check())
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ++outcome.done;
    }
    if (askAt == tensors)
        ask = true;
    outcome.stopped = stop.finishRound(ask);
    return outcome;
}

// Whether every rank passed the same value.
bool sameEverywhere(const mpi::Comm& world, bool value) {
    const std::vector<int> all = world.allgather(value ? 1 : 0);
    for (const int v : all) {
        if (v != all.front())
            return false;
    }
    return true;
}

TEST(StopAgreement, RoundsWithoutStopRunToTheEnd) {
    const mpi::Comm world = mpi::Comm::world();
    StopAgreement stop(world.dup());
    for (int round = 0; round < 12; ++round) {
        // Uneven work, some ranks idle in some rounds.
        const int tensors = (world.rank() * 3 + round) % 5;
        const Outcome outcome = runRound(stop, tensors, -1);
        EXPECT_FALSE(outcome.stopped) << "round " << round;
        EXPECT_EQ(outcome.done, tensors) << "round " << round;
    }
}

TEST(StopAgreement, OneRankStopsEveryRankEarly) {
    const mpi::Comm world = mpi::Comm::world();
    StopAgreement stop(world.dup());
    constexpr int kTensors = 300;
    for (int stopper = 0; stopper < world.size(); ++stopper) {
        const Outcome outcome = runRound(stop, kTensors, world.rank() == stopper ? 3 : -1);
        EXPECT_TRUE(outcome.stopped) << "stopper " << stopper;
        EXPECT_TRUE(sameEverywhere(world, outcome.stopped));
        if (world.rank() == stopper)
            EXPECT_EQ(outcome.done, 3);
        else
            EXPECT_LT(outcome.done, kTensors) << "rank " << world.rank() << " did not stop early";
        // The next round starts afresh.
        const Outcome next = runRound(stop, 2, -1);
        EXPECT_FALSE(next.stopped);
        EXPECT_EQ(next.done, 2);
    }
}

TEST(StopAgreement, StopAfterTheLastTensorOrFromAnIdleRank) {
    const mpi::Comm world = mpi::Comm::world();
    StopAgreement stop(world.dup());
    const int last = world.size() - 1;
    // The last rank has no tensors and asks at once; the others have a few.
    const int tensors = world.rank() == last ? 0 : 4;
    const Outcome outcome = runRound(stop, tensors, world.rank() == last ? 0 : -1);
    EXPECT_TRUE(outcome.stopped);
    EXPECT_TRUE(sameEverywhere(world, outcome.stopped));
    // Rank 0 asks after its last tensor: everyone did all their tensors, and stops.
    const Outcome after = runRound(stop, 3, world.rank() == 0 ? 3 : -1);
    EXPECT_TRUE(after.stopped);
    EXPECT_EQ(after.done, 3);
}

} // namespace
} // namespace nzc::app
