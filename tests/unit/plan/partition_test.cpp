// Partition over ranks (balanced, deterministic) and memory-bounded rounds.
#include "plan_fixtures.h"

#include <nzcompress/plan.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace {

using namespace nzc::plan;
using nzc::checkpoint::DType;
using nzc::plan::test::tensor;

Plan planOfSizes(const std::vector<std::uint64_t>& sizes, int ranks, std::uint64_t budget) {
    Plan plan;
    plan.ranks = ranks;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        TensorPlan e;
        e.tensor = tensor(std::string("t").append(std::to_string(100 + i)), DType::U8, {sizes[i]});
        e.workBytes = sizes[i];
        plan.tensors.push_back(e);
    }
    partitionTensors(plan, budget);
    return plan;
}

std::vector<std::uint64_t> loads(const Plan& plan) {
    std::vector<std::uint64_t> load(static_cast<std::size_t>(plan.ranks), 0);
    for (const auto& e : plan.tensors)
        load[static_cast<std::size_t>(e.rank)] += e.tensor.bytes;
    return load;
}

TEST(Partition, LargestFirstToLeastLoaded) {
    const Plan plan = planOfSizes({10, 70, 40, 30, 20}, 2, 1000);
    // 70 -> r0; 40 -> r1; 30 -> r1 (40 < 70); 20 -> r0 (70 = 70: lower rank); 10 -> r1.
    std::map<std::string, int> rankOf;
    for (const auto& e : plan.tensors)
        rankOf[e.tensor.name] = e.rank;
    EXPECT_EQ(rankOf["t101"], 0);
    EXPECT_EQ(rankOf["t102"], 1);
    EXPECT_EQ(rankOf["t103"], 1);
    EXPECT_EQ(rankOf["t104"], 0);
    EXPECT_EQ(rankOf["t100"], 1);
    EXPECT_EQ(loads(plan), (std::vector<std::uint64_t>{90, 80}));
}

TEST(Partition, IsDeterministicAndBalanced) {
    std::vector<std::uint64_t> sizes;
    for (std::uint64_t i = 0; i < 200; ++i)
        sizes.push_back((i * 7919) % 1000 + 1);
    const Plan a = planOfSizes(sizes, 4, 1 << 20);
    const Plan b = planOfSizes(sizes, 4, 1 << 20);
    for (std::size_t i = 0; i < sizes.size(); ++i)
        EXPECT_EQ(a.tensors[i].rank, b.tensors[i].rank);
    const auto load = loads(a);
    const auto [low, high] = std::minmax_element(load.begin(), load.end());
    // Greedy largest-first is within the largest item of perfect balance.
    EXPECT_LE(*high - *low, 1000u);
}

TEST(Partition, EqualSizesTieByNameThenRank) {
    const Plan plan = planOfSizes({5, 5, 5}, 3, 1000);
    EXPECT_EQ(plan.tensors[0].rank, 0);
    EXPECT_EQ(plan.tensors[1].rank, 1);
    EXPECT_EQ(plan.tensors[2].rank, 2);
}

TEST(Partition, MoreRanksThanTensorsLeavesRanksIdle) {
    const Plan plan = planOfSizes({5, 6}, 4, 1000);
    EXPECT_EQ(plan.rounds, 1);
    EXPECT_EQ(loads(plan), (std::vector<std::uint64_t>{6, 5, 0, 0}));
}

TEST(Partition, CompressionWeighsMoreThanACopy) {
    Plan plan = planOfSizes({100, 100, 300}, 2, 1000); // all passthrough: 300 | 100 + 100
    EXPECT_EQ(plan.tensors[2].rank, 0);
    EXPECT_EQ(plan.tensors[0].rank, 1);
    EXPECT_EQ(plan.tensors[1].rank, 1);
    plan.tensors[0].action = Action::Compress; // 800: now the biggest piece of work
    plan.tensors[1].action = Action::Compress;
    partitionTensors(plan, 1000);
    EXPECT_NE(plan.tensors[0].rank, plan.tensors[1].rank);
    EXPECT_EQ(costOf(plan.tensors[0]), 800u);
    EXPECT_EQ(costOf(plan.tensors[2]), 300u);
}

TEST(Rounds, BoundedByTheBudgetExceptSingleLargeTensors) {
    const Plan plan = planOfSizes({40, 40, 40, 500, 10}, 1, 100);
    // In checkpoint order: 40+40 | 40 | 500 (alone, over budget) | 10.
    std::vector<int> rounds;
    for (const auto& e : plan.tensors)
        rounds.push_back(e.round);
    EXPECT_EQ(rounds, (std::vector<int>{0, 0, 1, 2, 3}));
    EXPECT_EQ(plan.rounds, 4);
    std::map<int, std::uint64_t> held;
    for (const auto& e : plan.tensors)
        held[e.round] += e.workBytes;
    for (const auto& [round, bytes] : held)
        EXPECT_TRUE(bytes <= 100 || bytes == 500) << "round " << round;
}

TEST(Rounds, CountIsTheMaximumOverRanks) {
    const Plan plan = planOfSizes({90, 90, 90, 10}, 2, 100);
    EXPECT_EQ(plan.rounds, 2);
}

TEST(WorkBytes, CompressionHoldsInputNzAndOutput) {
    const auto t = tensor("w.weight", DType::I8, {100, 100}); // pads to 112 x 128
    EXPECT_EQ(workBytesOf(t, Action::Passthrough), 10000u);
    EXPECT_EQ(workBytesOf(t, Action::Disable), 10000u + 128u * 112u);
    EXPECT_GT(workBytesOf(t, Action::Compress), 10000u + 2u * 128u * 112u);
}

} // namespace
