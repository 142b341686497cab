// Every codec vector produced by the vendor's compressor must come out byte for byte, and
// must decode back to its input.
#include "test_buffers.h"

#include <nzcompress/codec.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using nzc::codec::test_data::readFile;

const fs::path kCodecCases = fs::path(NZC_TEST_DATA_DIR) / "conformance" / "codec";

std::vector<std::string> caseNames() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(kCodecCases))
        if (entry.is_directory())
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

struct VendorCase {
    std::vector<std::uint8_t> input, weight, index;
    nzc::codec::CodecConfig config;
    std::size_t compressedLength = 0;
};

VendorCase loadCase(const std::string& name) {
    const fs::path dir = kCodecCases / name;
    std::ifstream in(dir / "case.json");
    const auto json = nlohmann::json::parse(in);
    VendorCase c;
    c.input = readFile((dir / json.at("input").get<std::string>()).string());
    c.weight = readFile((dir / json.at("expected_weight").get<std::string>()).string());
    c.index = readFile((dir / json.at("expected_index").get<std::string>()).string());
    c.config.fractalSize = json.at("fractal_size").get<std::size_t>();
    c.config.type = static_cast<nzc::codec::CompressType>(json.at("compress_type").get<int>());
    c.config.initOffset = json.at("init_offset").get<std::uint64_t>();
    c.compressedLength = json.at("compressed_length").get<std::size_t>();
    EXPECT_EQ(json.at("engine_num").get<int>(), 4);
    EXPECT_EQ(json.at("max_ratio").get<int>(), 64);
    return c;
}

class CodecConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(CodecConformance, EncoderMatchesVendorBytes) {
    const VendorCase c = loadCase(GetParam());
    std::vector<std::uint8_t> weight, index;
    const std::size_t length = nzc::codec::compress(c.input, c.config, weight, index);
    EXPECT_EQ(length, c.compressedLength);
    EXPECT_EQ(length, weight.size());
    ASSERT_EQ(weight.size(), c.weight.size());
    EXPECT_TRUE(weight == c.weight) << "compressed bytes differ";
    EXPECT_EQ(index, c.index);
}

TEST_P(CodecConformance, DecoderRestoresVendorInput) {
    const VendorCase c = loadCase(GetParam());
    std::vector<std::uint8_t> restored(c.input.size(), 0xEE);
    nzc::codec::decompress(c.weight, c.index, c.config, restored);
    EXPECT_TRUE(restored == c.input) << "decoded bytes differ from the input";
}

INSTANTIATE_TEST_SUITE_P(VendorVectors, CodecConformance, ::testing::ValuesIn(caseNames()),
                         [](const auto& info) { return info.param; });

TEST(CodecConformance, AllVendorCasesArePresent) {
    // 36 single-call cases, 8 extra and 3 edge cases ship with the project.
    EXPECT_GE(caseNames().size(), 47u);
}

} // namespace
