#include "nzcompress/checkpoint.h"
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"
#include "test_files.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

namespace nzc::checkpoint {
namespace {

template <typename T> std::vector<std::uint8_t> bytesOf(const std::vector<T>& values) {
    std::vector<std::uint8_t> out(values.size() * sizeof(T));
    std::memcpy(out.data(), values.data(), out.size());
    return out;
}

// The arrays scripts/make_bad_inputs.py saves with numpy into tests/data/checkpoint.
struct Expected {
    std::string name;
    DType dtype;
    std::vector<std::uint64_t> shape;
    std::vector<std::uint8_t> data;
};

std::vector<Expected> numpyFixtures() {
    return {
        {"bool_3", DType::Bool, {3}, {1, 0, 1}},
        {"empty_f32_0x4", DType::F32, {0, 4}, {}},
        {"f16_2x2", DType::F16, {2, 2}, bytesOf<std::uint16_t>({0x3C00, 0xC000, 0x3800, 0x7BFF})},
        {"f32_3", DType::F32, {3}, bytesOf<float>({1.5f, -0.25f, 3.0f})},
        {"i64_2", DType::I64, {2}, bytesOf<std::int64_t>({-(1ll << 40), (1ll << 40) + 7})},
        {"i8_2x3", DType::I8, {2, 3}, bytesOf<std::int8_t>({-3, -2, -1, 0, 1, 2})},
        {"scalar_i32", DType::I32, {}, bytesOf<std::int32_t>({123456})},
        {"u8_4", DType::U8, {4}, {250, 251, 252, 253}},
    };
}

TEST(CheckpointNpy, NumpyFolderTableAndBytes) {
    const auto checkpoint = Checkpoint::open({test::dataPath("checkpoint/npy_folder")});
    auto expected = numpyFixtures();
    expected.insert(expected.begin() + 4, // sorted by file name
                    {"fortran_1d_i16", DType::I16, {5}, bytesOf<std::int16_t>({0, 1, 2, 3, 4})});
    ASSERT_EQ(checkpoint.tensors().size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& info = checkpoint.tensors()[i];
        EXPECT_EQ(info.name, expected[i].name);
        EXPECT_EQ(info.dtype, expected[i].dtype) << info.name;
        EXPECT_EQ(info.shape, expected[i].shape) << info.name;
        EXPECT_EQ(test::readAll(checkpoint, info), expected[i].data) << info.name;
    }
}

TEST(CheckpointNpy, VersionsTwoAndThree) {
    const auto checkpoint = Checkpoint::open(
        {test::dataPath("checkpoint/npy_v2_i16.npy"), test::dataPath("checkpoint/npy_v3_u16.npy")});
    EXPECT_EQ(test::readAll(checkpoint, *checkpoint.find("npy_v2_i16")),
              bytesOf<std::int16_t>({0, 1, 2}));
    EXPECT_EQ(test::readAll(checkpoint, *checkpoint.find("npy_v3_u16")),
              bytesOf<std::uint16_t>({1, 65535}));
}

TEST(CheckpointNpy, SingleFileNamedByStem) {
    test::TempDir dir;
    const std::vector<std::uint8_t> data{1, 2, 3, 4, 5, 6, 7, 8};
    test::writeFile(dir.file("layer.0.weight.npy"), test::npyBytes("<i2", "(2, 2)", data));
    const auto checkpoint = Checkpoint::open({dir.file("layer.0.weight.npy")});
    ASSERT_EQ(checkpoint.tensors().size(), 1u);
    EXPECT_EQ(checkpoint.tensors()[0].name, "layer.0.weight");
    EXPECT_EQ(checkpoint.tensors()[0].offset,
              std::filesystem::file_size(dir.file("layer.0.weight.npy")) - data.size());
    EXPECT_EQ(test::readAll(checkpoint, checkpoint.tensors()[0]), data);
}

NpyHeader parseText(const std::string& dict) {
    std::vector<std::uint8_t> header{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    header.push_back(static_cast<std::uint8_t>(dict.size()));
    header.push_back(static_cast<std::uint8_t>(dict.size() >> 8));
    header.insert(header.end(), dict.begin(), dict.end());
    return parseNpyHeader(header, "t.npy");
}

TEST(CheckpointNpyHeader, AcceptsLiteralVariants) {
    auto h = parseText("{\"shape\": (3L, 4), 'fortran_order': False, 'descr': '|b1'}\n");
    EXPECT_EQ(h.dtype, DType::Bool);
    EXPECT_EQ(h.shape, (std::vector<std::uint64_t>{3, 4}));
    EXPECT_EQ(h.bytes, 12u);
    h = parseText("{'descr': '<f8', 'fortran_order': True, 'shape': (1, 7, 1), }");
    EXPECT_TRUE(h.fortranOrder);
    EXPECT_EQ(h.bytes, 56u);
    EXPECT_EQ(parseText("{'descr': '<u8', 'fortran_order': False, 'shape': ()}").bytes, 8u);
}

std::string npyMessage(const std::string& dict) {
    try {
        parseText(dict);
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no InputError)";
}

TEST(CheckpointNpyHeader, RefusalsSayWhy) {
    EXPECT_NE(npyMessage("{'descr': '|O', 'fortran_order': False, 'shape': (2,)}").find("pickle"),
              std::string::npos);
    EXPECT_NE(
        npyMessage("{'descr': '>f4', 'fortran_order': False, 'shape': (2,)}").find("big-endian"),
        std::string::npos);
    EXPECT_NE(
        npyMessage("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3)}").find("C order"),
        std::string::npos);
    EXPECT_NE(npyMessage("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}")
                  .find("unexpected key 'x'"),
              std::string::npos);
    EXPECT_NE(npyMessage("{'descr': eval('1'), 'fortran_order': False, 'shape': (2,)}")
                  .find("not a Python literal"),
              std::string::npos);
    // (2) is an int, not a tuple
    EXPECT_NE(
        npyMessage("{'descr': '<f4', 'fortran_order': False, 'shape': (2)}").find("not a tuple"),
        std::string::npos);
}

TEST(CheckpointNpyHeader, HeaderSizeFromPrefix) {
    const std::uint8_t v1[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0};
    EXPECT_EQ(npyHeaderSize(v1, "t"), 128u);
    const std::uint8_t v2[12] = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0x74, 0, 0, 0};
    EXPECT_EQ(npyHeaderSize(v2, "t"), 128u);
    const std::uint8_t huge[12] = {0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0, 0xFF, 0xFF, 0xFF, 0xFF};
    EXPECT_THROW(npyHeaderSize(huge, "t"), InputError);
}

} // namespace
} // namespace nzc::checkpoint
