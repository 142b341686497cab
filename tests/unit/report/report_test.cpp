// The per-tensor figures and their renderings.
#include <nzcompress/report.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace {

using namespace nzc::report;

std::vector<TensorStats> sample() {
    return {
        {"b.weight", 1, Kind::Compressed, 2048, 2048, 1024, 0.5},
        {"a.weight", 0, Kind::Disabled, 1024, 1024, 1024, 0.25},
        {"norm.weight", 1, Kind::Passthrough, 64, 32, 64, 0.0},
        {"h.weight", 0, Kind::Compressed, 2048, 1024, 512, 0.125}, // fp16: 2 bytes/element
    };
}

TEST(Report, RatioIsStoredBytesPerOriginalElement) {
    const auto stats = sample();
    EXPECT_DOUBLE_EQ(stats[0].ratio(), 0.5);
    EXPECT_DOUBLE_EQ(stats[3].ratio(), 0.5);
    TensorStats empty;
    EXPECT_DOUBLE_EQ(empty.ratio(), 0.0);
}

TEST(Report, SummaryCountsCompressedAndDisabledOnly) {
    const Summary summary = summarize(sample());
    EXPECT_EQ(summary.tensors, 3u);
    EXPECT_EQ(summary.originalElements, 2048u + 1024u + 1024u);
    EXPECT_EQ(summary.storedBytes, 1024u + 1024u + 512u);
    EXPECT_DOUBLE_EQ(summary.ratio(), 2560.0 / 4096.0);
}

TEST(Report, SerializationRoundTrips) {
    const auto stats = sample();
    EXPECT_EQ(deserialize(serialize(stats)), stats);
    EXPECT_TRUE(deserialize(serialize({})).empty());
    const std::vector<std::uint8_t> garbage = {0x85, 0x01};
    EXPECT_THROW(deserialize(garbage), std::invalid_argument);
}

TEST(Report, DebugTableIsMsModelSlimStyle) {
    auto stats = sample();
    sortByName(stats);
    EXPECT_EQ(debugTable(stats), "[1/3] a.weight 1\n"
                                 "[2/3] b.weight 0.5\n"
                                 "[3/3] h.weight 0.5\n");
}

TEST(Report, FinalLine) {
    EXPECT_EQ(finalRatioLine(summarize(sample())),
              "The final compression ratio is 0.625 (from 4096 to 2560)");
    EXPECT_EQ(finalRatioLine(Summary{}), "The final compression ratio is 0 (from 0 to 0)");
}

TEST(Report, JsonHasEveryTensorAndTheSummary) {
    const nlohmann::json json = toJson(sample());
    ASSERT_EQ(json.at("tensors").size(), 4u);
    const auto& first = json.at("tensors").at(0);
    EXPECT_EQ(first.at("name"), "b.weight");
    EXPECT_EQ(first.at("kind"), "compressed");
    EXPECT_EQ(first.at("rank"), 1);
    EXPECT_EQ(first.at("stored_bytes"), 1024);
    EXPECT_DOUBLE_EQ(first.at("ratio").get<double>(), 0.5);
    EXPECT_EQ(json.at("summary").at("stored_bytes"), 2560);
    EXPECT_EQ(json.at("summary").at("tensors"), 4);
}

TEST(Report, KindNamesRoundTrip) {
    for (const Kind kind : {Kind::Compressed, Kind::Disabled, Kind::Passthrough})
        EXPECT_EQ(parseKind(kindName(kind)), kind);
    EXPECT_THROW(parseKind("zipped"), std::invalid_argument);
}

} // namespace
