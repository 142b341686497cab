// Every whole-weight case in tests/data/conformance/weights/ (produced with the reference
// compressor, the vendor's two official vectors included) byte for byte: from nd.bin (which
// must also lay out to nz.bin) and from nz.bin; and the expected files decompress to nz.bin.
#include <nzcompress/layout.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace nzc::layout;
using nzc::codec::CompressType;

const fs::path kWeightsDir = fs::path(NZC_TEST_DATA_DIR) / "conformance" / "weights";

std::vector<std::uint8_t> readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct WeightCase {
    std::string name;
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::size_t elementSize = 1;
    CompressType type = CompressType::Low;
    NzShape nzShape;
    std::vector<std::uint8_t> nd, nz, weight, index;
    std::array<std::int64_t, kInfoSize> info{};

    ByteShape byteShape() const { return {rows, cols * elementSize}; }
};

WeightCase loadCase(const std::string& name) {
    const fs::path dir = kWeightsDir / name;
    std::ifstream in(dir / "case.json");
    const auto json = nlohmann::json::parse(in);
    WeightCase c;
    c.name = name;
    c.rows = json.at("n").get<std::size_t>();
    c.cols = json.at("k").get<std::size_t>();
    // fp16 cases are [n, k] of 2-byte elements; the codec sees their int8 view [n, 2k].
    c.elementSize = json.at("dtype").get<std::string>().starts_with("float16") ? 2 : 1;
    c.type = static_cast<CompressType>(json.at("compress_type").get<int>());
    c.nzShape = {json.at("K1").get<std::size_t>(), json.at("N1").get<std::size_t>()};
    c.nd = readFile(dir / "nd.bin");
    c.nz = readFile(dir / "nz.bin");
    c.weight = readFile(dir / "weight.bin");
    c.index = readFile(dir / "index.bin");
    const auto info = readFile(dir / "info.bin");
    if (info.size() != sizeof(c.info))
        throw std::runtime_error(name + ": info.bin is not 5 int64");
    std::memcpy(c.info.data(), info.data(), sizeof(c.info)); // little-endian, like the host
    return c;
}

std::vector<std::string> listCases() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(kWeightsDir))
        if (entry.is_directory() && fs::exists(entry.path() / "case.json"))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

class LayoutConformance : public testing::TestWithParam<std::string> {
protected:
    void SetUp() override { case_ = loadCase(GetParam()); }
    WeightCase case_;
};

TEST_P(LayoutConformance, NdLaysOutToTheExpectedNz) {
    ASSERT_EQ(nzShapeOf(case_.byteShape()), case_.nzShape);
    EXPECT_EQ(toNz(case_.nd, case_.byteShape()), case_.nz);
    EXPECT_EQ(fromNz(case_.nz, case_.byteShape()), case_.nd);
}

TEST_P(LayoutConformance, CompressFromNdIsByteExact) {
    const NdWeight weight{case_.nd, case_.rows, case_.cols, case_.elementSize, false};
    const CompressedWeight result = compressWeight(weight, case_.type);
    EXPECT_EQ(result.info, case_.info);
    EXPECT_EQ(result.index, case_.index);
    ASSERT_EQ(result.weight.size(), case_.weight.size());
    EXPECT_TRUE(result.weight == case_.weight) << "compressed bytes differ";
}

TEST_P(LayoutConformance, CompressFromNzIsByteExact) {
    const CompressedWeight result = compressNzWeight(case_.nz, case_.byteShape(), case_.type);
    EXPECT_EQ(result.info, case_.info);
    EXPECT_EQ(result.index, case_.index);
    ASSERT_EQ(result.weight.size(), case_.weight.size());
    EXPECT_TRUE(result.weight == case_.weight) << "compressed bytes differ";
}

TEST_P(LayoutConformance, TransposedInputGivesTheSameBytes) {
    // The same byte matrix handed over as its transpose with weight_transpose set.
    const auto transposed = transposeElements(case_.nd, case_.rows, case_.cols, case_.elementSize);
    const NdWeight weight{transposed, case_.cols, case_.rows, case_.elementSize, true};
    const CompressedWeight result = compressWeight(weight, case_.type);
    EXPECT_EQ(result.info, case_.info);
    EXPECT_EQ(result.index, case_.index);
    EXPECT_TRUE(result.weight == case_.weight) << "compressed bytes differ";
}

TEST_P(LayoutConformance, ExpectedOutputDecompressesToNz) {
    EXPECT_EQ(decompressNzWeight(case_.weight, case_.index, case_.info, case_.type), case_.nz);
    const CompressedWeight expected{case_.weight, case_.index, case_.info};
    EXPECT_EQ(decompressWeight(expected, case_.type, case_.elementSize, false), case_.nd);
}

std::string caseName(const testing::TestParamInfo<std::string>& info) {
    std::string name = info.param;
    std::replace_if(
        name.begin(), name.end(),
        [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    return name;
}

INSTANTIATE_TEST_SUITE_P(Weights, LayoutConformance, testing::ValuesIn(listCases()), caseName);

TEST(LayoutConformanceData, AllCasesArePresent) {
    // Guards against a silently empty parameter list (a wrong data path would run nothing).
    EXPECT_GE(listCases().size(), 10u);
}

} // namespace
