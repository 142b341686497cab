#include "nzcompress/checkpoint.h"
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"
#include "test_files.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace nzc::checkpoint {
namespace {

using test::makeTensor;
using test::TempDir;

std::string messageOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no InputError)";
}

TEST(CheckpointDType, NamesAndSizesRoundTrip) {
    for (auto name : {"BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64",
                      "I64", "U64", "F8_E4M3", "F8_E5M2"}) {
        auto dtype = parseDType(name);
        ASSERT_TRUE(dtype) << name;
        EXPECT_EQ(dtypeName(*dtype), name);
    }
    EXPECT_FALSE(parseDType("i8"));
    EXPECT_EQ(itemSize(DType::BF16), 2u);
    EXPECT_EQ(itemSize(DType::F8_E5M2), 1u);
    EXPECT_EQ(itemSize(DType::U64), 8u);
}

TEST(CheckpointSafetensors, TableAndBytesRoundTrip) {
    TempDir dir;
    const std::vector<test::TestTensor> tensors{
        makeTensor("model.embed.weight", DType::F16, {4, 3}),
        makeTensor("layers.0.q.weight", DType::I8, {8, 16}),
        makeTensor("scalar", DType::F32, {}),
        makeTensor("empty", DType::BF16, {0, 5}),
        makeTensor("ids", DType::I64, {3}),
        makeTensor("fp8", DType::F8_E4M3, {7}),
    };
    const auto path = dir.file("model.safetensors");
    test::writeFile(path, test::safetensorsBytes(tensors, R"({"format":"pt"})"));

    const auto checkpoint = Checkpoint::open({path});
    ASSERT_EQ(checkpoint.tensors().size(), tensors.size());
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const auto& info = checkpoint.tensors()[i];
        EXPECT_EQ(info.name, tensors[i].name); // file order
        EXPECT_EQ(info.dtype, tensors[i].dtype);
        EXPECT_EQ(info.shape, tensors[i].shape);
        EXPECT_EQ(info.file, path);
        EXPECT_EQ(info.bytes, tensors[i].data.size());
        EXPECT_TRUE(info.member.empty());
        EXPECT_EQ(test::readAll(checkpoint, info), tensors[i].data) << info.name;
    }
    EXPECT_EQ(checkpoint.find("scalar")->elements(), 1u);
    EXPECT_EQ(checkpoint.find("empty")->elements(), 0u);
    EXPECT_EQ(checkpoint.find("nope"), nullptr);
}

TEST(CheckpointSafetensors, Utf8NamesAndMetadataRoundTrip) {
    TempDir dir;
    const auto tensor = makeTensor("\xE6\x9D\x83\xE9\x87\x8D.weight", DType::U16, {3});
    const auto path = dir.file("u.safetensors");
    test::writeFile(path, test::safetensorsBytes({tensor}, "{\"note\":\"\xC3\xA9t\xC3\xA9\"}"));
    const auto checkpoint = Checkpoint::open({path});
    ASSERT_NE(checkpoint.find(tensor.name), nullptr);
    EXPECT_EQ(test::readAll(checkpoint, *checkpoint.find(tensor.name)), tensor.data);
}

TEST(CheckpointSafetensors, ReadsSlices) {
    TempDir dir;
    const auto tensor = makeTensor("w", DType::I8, {64, 64});
    const auto path = dir.file("w.safetensors");
    test::writeFile(path, test::safetensorsBytes({makeTensor("a", DType::F32, {5}), tensor}));
    const auto checkpoint = Checkpoint::open({path});
    const TensorInfo& info = *checkpoint.find("w");
    std::vector<std::uint8_t> slice(100);
    checkpoint.read(info, 1000, slice);
    EXPECT_TRUE(std::equal(slice.begin(), slice.end(), tensor.data.begin() + 1000));
    std::vector<std::uint8_t> tooMuch(10);
    EXPECT_THROW(checkpoint.read(info, info.bytes - 5, tooMuch), std::out_of_range);
}

TEST(CheckpointSafetensors, TruncatedAfterOpenIsIoError) {
    TempDir dir;
    const auto path = dir.file("w.safetensors");
    test::writeFile(path, test::safetensorsBytes({makeTensor("w", DType::I8, {1024})}));
    const auto checkpoint = Checkpoint::open({path});
    std::filesystem::resize_file(path, 100);
    std::vector<std::uint8_t> out(1024);
    EXPECT_THROW(checkpoint.read(checkpoint.tensors()[0], 0, out), IoError);
}

TEST(CheckpointSafetensors, MissingFileIsIoError) {
    TempDir dir;
    try {
        Checkpoint::open({dir.file("absent.safetensors")});
        FAIL() << "no error";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("absent.safetensors"), std::string::npos);
        EXPECT_EQ(e.code(), ExitCode::Io);
    }
}

TEST(CheckpointSafetensors, TwoInputsWithOneNameAreRefused) {
    TempDir dir;
    test::writeFile(dir.file("a.safetensors"),
                    test::safetensorsBytes({makeTensor("w", DType::I8, {2})}));
    test::writeFile(dir.file("b.safetensors"),
                    test::safetensorsBytes({makeTensor("w", DType::I8, {2})}));
    EXPECT_THROW(Checkpoint::open({dir.file("a.safetensors"), dir.file("b.safetensors")}),
                 InputError);
}

TEST(CheckpointSafetensorsHeader, EndBeforeBeginMessageNamesFileAndTensor) {
    const std::string json =
        R"({"lm_head.weight":{"dtype":"I8","shape":[0],"data_offsets":[10,2]}})";
    EXPECT_EQ(messageOf([&] { parseSafetensorsHeader(json, 10, "model-00002.safetensors"); }),
              "model-00002.safetensors: tensor 'lm_head.weight': data_offsets [10, 2] end "
              "before begin");
}

TEST(CheckpointSafetensorsHeader, MetadataIsKeptAndOffsetsAreRelative) {
    const std::string json = R"({"__metadata__":{"format":"pt"},
        "b":{"dtype":"U16","shape":[2],"data_offsets":[4,8]},
        "a":{"dtype":"I32","shape":[],"data_offsets":[0,4]}})";
    const auto header = parseSafetensorsHeader(json, 8, "f");
    ASSERT_EQ(header.tensors.size(), 2u);
    EXPECT_EQ(header.tensors[0].name, "a");
    EXPECT_EQ(header.tensors[1].offset, 4u);
    EXPECT_EQ(header.metadata.at("format"), "pt");
}

TEST(CheckpointSafetensorsHeader, DataAreaMustBeCoveredExactly) {
    const std::string json = R"({"a":{"dtype":"I8","shape":[4],"data_offsets":[0,4]}})";
    EXPECT_NO_THROW(parseSafetensorsHeader(json, 4, "f"));
    EXPECT_THROW(parseSafetensorsHeader(json, 5, "f"), InputError);
    EXPECT_THROW(parseSafetensorsHeader(json, 3, "f"), InputError);
}

TEST(CheckpointSafetensorsHeader, DuplicateNamesAreRefused) {
    const std::string json = R"({"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]},
                                 "a":{"dtype":"I8","shape":[1],"data_offsets":[1,2]}})";
    EXPECT_NE(messageOf([&] { parseSafetensorsHeader(json, 2, "f"); }).find("'a' twice"),
              std::string::npos);
}

TEST(CheckpointSafetensorsHeader, ZeroSizedTensorsMayShareAnOffset) {
    const std::string json = R"({"e":{"dtype":"F32","shape":[0,3],"data_offsets":[2,2]},
        "a":{"dtype":"I8","shape":[2],"data_offsets":[0,2]},
        "b":{"dtype":"I8","shape":[2],"data_offsets":[2,4]}})";
    const auto header = parseSafetensorsHeader(json, 4, "f");
    ASSERT_EQ(header.tensors.size(), 3u);
    EXPECT_EQ(header.tensors[1].name, "e");
}

TEST(CheckpointSafetensorsHeader, HeaderLengthIsChecked) {
    const std::uint8_t prefix[8] = {16, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(safetensorsHeaderLength(prefix, 24, "f"), 16u);
    EXPECT_THROW(safetensorsHeaderLength(prefix, 23, "f"), InputError);
    const std::uint8_t huge[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    EXPECT_THROW(safetensorsHeaderLength(huge, ~0ull, "f"), InputError);
}

} // namespace
} // namespace nzc::checkpoint
