// Differential test: the table-driven packer against the plain model on data built to end
// packets at every kind of boundary (runs split across packets, 9-runs that do not fit,
// escapes at the end of a packet, streams that end near Le).
#include "engine_encoder.h"
#include "reference_encoder.h"
#include "test_buffers.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

namespace {

using namespace nzc::codec;
using namespace nzc::codec::detail;
namespace test_data = nzc::codec::test_data;

std::vector<test_data::ModelCode> modelCodes(const CallCodes& codes) {
    std::vector<test_data::ModelCode> out;
    for (const Code code : codes.byteCodes)
        out.push_back({code.bits, code.length});
    return out;
}

std::vector<test_data::ModelRun> modelRuns(CompressType type) {
    std::vector<test_data::ModelRun> out;
    for (const RunCode& run : runCodes(type))
        out.push_back({run.zeros, {run.code.bits, run.code.length}});
    return out;
}

/// Engine data mixing zero runs of every length with literals of every code length.
std::vector<std::uint8_t> packetEdgeData(std::mt19937_64& rng, std::size_t size,
                                         std::uint8_t zero) {
    std::vector<std::uint8_t> data(size, zero);
    const int style = static_cast<int>(rng() % 4);
    for (std::size_t i = 0; i < size;) {
        const std::size_t run = style == 0 ? rng() % 3 : rng() % 25;
        i += run;
        const std::size_t literals = 1 + rng() % (style == 3 ? 2 : 6);
        for (std::size_t k = 0; k < literals && i < size; ++k, ++i) {
            const std::uint64_t pick = rng() % 10;
            data[i] = pick < 6 ? static_cast<std::uint8_t>(zero + 1 + rng() % 12)
                               : static_cast<std::uint8_t>(rng());
            if (data[i] == zero)
                data[i] = static_cast<std::uint8_t>(zero + 1);
        }
    }
    return data;
}

TEST(CodecPackerModel, TablePackerEqualsPlainModel) {
    std::mt19937_64 rng(7);
    std::size_t compared = 0, bypassed = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        const auto type = trial % 2 ? CompressType::High : CompressType::Low;
        const std::size_t engineBytes = 128 * (1 + rng() % 8);
        const std::uint8_t zero = trial % 5 == 0 ? 0x7f : 0;
        auto data = packetEdgeData(rng, engineBytes, zero);
        // Rank the bytes of this engine as one call would.
        std::vector<std::uint8_t> call = data;
        call.insert(call.end(), engineBytes * 3, zero);
        const CallCodes codes = buildCallCodes(buildDictionary(call, type), type);
        ASSERT_EQ(codes.zeroByte, zero);

        std::vector<std::uint8_t> produced(engineOutputCapacity(engineBytes) + 8, 0);
        const std::size_t length = encodeEngine(data.data(), engineBytes, codes, produced.data());
        const auto expected =
            test_data::modelEncodePackets(data, zero, modelCodes(codes), modelRuns(type));
        ASSERT_EQ(length, expected.size()) << "trial " << trial;
        if (length == 0) {
            ++bypassed;
            continue;
        }
        ++compared;
        ASSERT_EQ(0, std::memcmp(produced.data() + kEngineHeaderBytes,
                                 expected.data() + kEngineHeaderBytes, length - kEngineHeaderBytes))
            << "trial " << trial;
    }
    EXPECT_GT(compared, 1000u);
    EXPECT_GT(bypassed, 10u);
}

} // namespace
