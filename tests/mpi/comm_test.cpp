// The communicator's collectives, checked with values every rank can predict.
#include <nzcompress/mpi.h>

#include <gtest/gtest.h>

#include <chrono>
#include <numeric>
#include <thread>

namespace {

using nzc::mpi::Comm;

TEST(Comm, WorldMatchesMpi) {
    nzc::mpi::Environment environment; // MPI is already up: must neither init nor finalize
    const Comm world = Comm::world();
    EXPECT_GE(world.size(), 1);
    EXPECT_GE(world.rank(), 0);
    EXPECT_LT(world.rank(), world.size());
    EXPECT_TRUE(nzc::mpi::Environment::isInitialized());
}

TEST(Comm, RanksOnThisNodeAllShareOneNodeInTests) {
    // The tests run every rank on this machine.
    const Comm world = Comm::world();
    EXPECT_EQ(world.ranksOnThisNode(), world.size());
}

TEST(Comm, BroadcastBytesAndStrings) {
    const Comm world = Comm::world();
    std::vector<std::uint8_t> bytes;
    if (world.isRoot())
        bytes = {1, 2, 3, 250};
    world.broadcast(bytes);
    EXPECT_EQ(bytes, (std::vector<std::uint8_t>{1, 2, 3, 250}));
    const std::string text = world.broadcast(world.isRoot() ? "plan from rank 0" : "wrong");
    EXPECT_EQ(text, "plan from rank 0");
    const std::string empty = world.broadcast(world.isRoot() ? "" : "not empty");
    EXPECT_TRUE(empty.empty());
}

TEST(Comm, AllgatherGivesEveryRankInOrder) {
    const Comm world = Comm::world();
    const auto values = world.allgather(std::uint64_t(world.rank()) * 10 + 7);
    ASSERT_EQ(values.size(), static_cast<std::size_t>(world.size()));
    for (int r = 0; r < world.size(); ++r)
        EXPECT_EQ(values[static_cast<std::size_t>(r)], std::uint64_t(r) * 10 + 7);
}

TEST(Comm, AllgathervOfRecordsOfDifferentSizes) {
    const Comm world = Comm::world();
    // Rank r sends r bytes of value r (rank 0 sends nothing).
    const std::vector<std::uint8_t> mine(static_cast<std::size_t>(world.rank()),
                                         static_cast<std::uint8_t>(world.rank()));
    const auto all = world.allgatherv(mine);
    ASSERT_EQ(all.size(), static_cast<std::size_t>(world.size()));
    for (int r = 0; r < world.size(); ++r)
        EXPECT_EQ(
            all[static_cast<std::size_t>(r)],
            std::vector<std::uint8_t>(static_cast<std::size_t>(r), static_cast<std::uint8_t>(r)));
}

TEST(Comm, GathervOnlyRootReceives) {
    const Comm world = Comm::world();
    const std::vector<std::uint8_t> mine = {static_cast<std::uint8_t>(world.rank() + 1)};
    const auto all = world.gatherv(mine, 0);
    if (world.isRoot()) {
        ASSERT_EQ(all.size(), static_cast<std::size_t>(world.size()));
        for (int r = 0; r < world.size(); ++r)
            EXPECT_EQ(all[static_cast<std::size_t>(r)].at(0), r + 1);
    } else {
        EXPECT_TRUE(all.empty());
    }
}

TEST(Comm, ExscanGivesOffsets) {
    const Comm world = Comm::world();
    const std::uint64_t mine = static_cast<std::uint64_t>(world.rank()) + 1;
    // Sum of 1..rank.
    const std::uint64_t expected = static_cast<std::uint64_t>(world.rank()) *
                                   (static_cast<std::uint64_t>(world.rank()) + 1) / 2;
    EXPECT_EQ(world.exscanSum(mine), expected);
}

TEST(Comm, ReductionsAgree) {
    const Comm world = Comm::world();
    const auto n = static_cast<std::uint64_t>(world.size());
    EXPECT_EQ(world.allreduceSum(1), n);
    EXPECT_EQ(world.allreduceMax(world.rank()), world.size() - 1);
    EXPECT_EQ(world.allreduceMax(std::uint64_t(world.rank()) << 40), (n - 1) << 40);
    EXPECT_TRUE(world.allTrue(true));
    // One rank saying no is enough.
    EXPECT_FALSE(world.allTrue(world.rank() != world.size() - 1));
}

TEST(Comm, DupIsIndependentAndMovable) {
    const Comm world = Comm::world();
    Comm copy = world.dup();
    EXPECT_EQ(copy.size(), world.size());
    EXPECT_EQ(copy.rank(), world.rank());
    Comm moved = std::move(copy);
    EXPECT_EQ(moved.allreduceSum(2), 2 * static_cast<std::uint64_t>(world.size()));
}

TEST(Comm, NonBlockingAllreduceCompletesWhenEveryRankJoined) {
    const Comm world = Comm::world();
    const Comm progress = world.dup();
    const std::array<std::uint64_t, 2> mine = {1, static_cast<std::uint64_t>(world.rank())};
    std::array<std::uint64_t, 2> sum{};
    // The last rank joins late: the others must be able to poll without blocking meanwhile.
    if (world.rank() == world.size() - 1 && world.size() > 1)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    nzc::mpi::Request request = progress.iallreduceSum(mine, sum);
    while (!request.test())
        std::this_thread::yield();
    EXPECT_FALSE(request.pending());
    const auto n = static_cast<std::uint64_t>(world.size());
    EXPECT_EQ(sum[0], n);
    EXPECT_EQ(sum[1], n * (n - 1) / 2);
    nzc::mpi::Request barrier = progress.ibarrier();
    barrier.wait();
    EXPECT_FALSE(barrier.pending());
}

TEST(Comm, MismatchedSpansThrow) {
    const Comm world = Comm::world();
    const std::array<std::uint64_t, 2> values{};
    std::array<std::uint64_t, 1> result{};
    EXPECT_THROW(world.iallreduceSum(values, result), nzc::mpi::MpiError);
}

} // namespace
