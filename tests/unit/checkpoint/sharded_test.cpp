#include "nzcompress/checkpoint.h"
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"
#include "test_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace nzc::checkpoint {
namespace {

using test::makeTensor;
using test::TempDir;
namespace fs = std::filesystem;

// Writes `shards` shard files of `perShard` tensors each, and their index.
std::vector<test::TestTensor> writeSharded(const fs::path& folder, int shards, int perShard,
                                           const std::string& totalSize = "") {
    std::vector<test::TestTensor> all;
    std::string map;
    for (int s = 0; s < shards; ++s) {
        char shardName[64];
        std::snprintf(shardName, sizeof shardName, "model-%05d-of-%05d.safetensors", s + 1, shards);
        std::vector<test::TestTensor> tensors;
        for (int t = 0; t < perShard; ++t) {
            auto name = "layers." + std::to_string(s) + ".w" + std::to_string(t) + ".weight";
            tensors.push_back(makeTensor(name, DType::I8, {2, 3}));
            map += (map.empty() ? "\"" : ",\"") + name + "\":\"" + shardName + "\"";
        }
        test::writeFile((folder / shardName).string(), test::safetensorsBytes(tensors));
        all.insert(all.end(), tensors.begin(), tensors.end());
    }
    const std::string meta =
        totalSize.empty() ? "" : "\"metadata\":{\"total_size\":" + totalSize + "},";
    test::writeText((folder / "model.safetensors.index.json").string(),
                    "{" + meta + "\"weight_map\":{" + map + "}}");
    return all;
}

TEST(CheckpointSharded, FolderAndIndexPathGiveTheSameTable) {
    TempDir dir;
    const auto tensors = writeSharded(dir.path(), 3, 4, "72");
    const auto fromFolder = Checkpoint::open({dir.path().string()});
    const auto fromIndex = Checkpoint::open({dir.file("model.safetensors.index.json")});
    ASSERT_EQ(fromFolder.tensors().size(), tensors.size());
    ASSERT_EQ(fromIndex.tensors().size(), tensors.size());
    for (const auto& t : tensors) {
        const TensorInfo* info = fromFolder.find(t.name);
        ASSERT_NE(info, nullptr) << t.name;
        EXPECT_EQ(info->shape, t.shape);
        EXPECT_EQ(test::readAll(fromFolder, *info), t.data);
        EXPECT_EQ(fromIndex.find(t.name)->offset, info->offset);
    }
}

TEST(CheckpointSharded, ThousandShardsOpen) {
    TempDir dir;
    const auto tensors = writeSharded(dir.path(), 1000, 1);
    const auto checkpoint = Checkpoint::open({dir.path().string()});
    ASSERT_EQ(checkpoint.tensors().size(), 1000u);
    // More shards than the handle cache holds: reads must still work in any order.
    for (std::size_t i = tensors.size(); i-- > 0;)
        ASSERT_EQ(test::readAll(checkpoint, *checkpoint.find(tensors[i].name)), tensors[i].data);
}

TEST(CheckpointSharded, TotalSizeMismatchIsOnlyAWarning) {
    TempDir dir;
    writeSharded(dir.path(), 2, 2, "999");
    std::ostringstream log;
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_st>(log)));
    std::size_t count = 0;
    EXPECT_NO_THROW(count = Checkpoint::open({dir.path().string()}).tensors().size());
    spdlog::set_default_logger(previous);
    EXPECT_EQ(count, 4u);
    EXPECT_NE(log.str().find("total_size is 999 but the shards hold 24 bytes"), std::string::npos)
        << log.str();
}

TEST(CheckpointSharded, SymlinkedShardFileInsideFolderIsAccepted) {
    // The Hugging Face cache links snapshot files to blobs stored elsewhere.
    TempDir dir;
    fs::create_directories(dir.path() / "blobs");
    fs::create_directories(dir.path() / "snap");
    const auto tensor = makeTensor("w.weight", DType::I8, {4});
    test::writeFile(dir.file("blobs/abc"), test::safetensorsBytes({tensor}));
    fs::create_symlink("../blobs/abc", dir.path() / "snap" / "model.safetensors");
    test::writeText(dir.file("snap/model.safetensors.index.json"),
                    R"({"weight_map":{"w.weight":"model.safetensors"}})");
    const auto checkpoint = Checkpoint::open({dir.file("snap")});
    EXPECT_EQ(test::readAll(checkpoint, *checkpoint.find("w.weight")), tensor.data);
}

TEST(CheckpointSharded, SymlinkedDirectoryEscapingFolderIsRefused) {
    TempDir dir;
    fs::create_directories(dir.path() / "outside");
    fs::create_directories(dir.path() / "model");
    test::writeFile(dir.file("outside/model.safetensors"),
                    test::safetensorsBytes({makeTensor("w.weight", DType::I8, {4})}));
    fs::create_directory_symlink("../outside", dir.path() / "model" / "sub");
    test::writeText(dir.file("model/model.safetensors.index.json"),
                    R"({"weight_map":{"w.weight":"sub/model.safetensors"}})");
    EXPECT_THROW(Checkpoint::open({dir.file("model")}), InputError);
}

TEST(CheckpointSharded, FolderWithoutIndexOpensAllSafetensorsSorted) {
    TempDir dir;
    const auto a = makeTensor("a", DType::F32, {3});
    const auto b = makeTensor("b", DType::U8, {5});
    test::writeFile(dir.file("2.safetensors"), test::safetensorsBytes({a}));
    test::writeFile(dir.file("1.safetensors"), test::safetensorsBytes({b}));
    test::writeText(dir.file("notes.txt"), "ignored");
    const auto checkpoint = Checkpoint::open({dir.path().string()});
    ASSERT_EQ(checkpoint.tensors().size(), 2u);
    EXPECT_EQ(checkpoint.tensors()[0].name, "b");
    EXPECT_EQ(test::readAll(checkpoint, checkpoint.tensors()[1]), a.data);
}

TEST(CheckpointShardIndex, ParsesMapAndTotalSize) {
    const auto index = parseShardIndex(
        R"({"metadata":{"total_size":12},"weight_map":{"a":"s1.safetensors","b":"x/s2.safetensors"}})",
        "i.json");
    EXPECT_EQ(index.weightMap.at("b"), "x/s2.safetensors");
    ASSERT_TRUE(index.totalSize);
    EXPECT_EQ(*index.totalSize, 12u);
}

TEST(CheckpointShardIndex, EscapingPathsAreRefused) {
    for (auto shard : {"/abs.safetensors", "../up.safetensors", "a/../../up.safetensors", ""}) {
        const std::string json = std::string(R"({"weight_map":{"w":")") + shard + "\"}}";
        EXPECT_THROW(parseShardIndex(json, "i.json"), InputError) << shard;
    }
}

} // namespace
} // namespace nzc::checkpoint
