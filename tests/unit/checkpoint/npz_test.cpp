#include "nzcompress/checkpoint.h"
#include "nzcompress/errors.h"
#include "test_files.h"

#include <gtest/gtest.h>

#include <cstring>

namespace nzc::checkpoint {
namespace {

// stored.npz and deflated.npz hold the same arrays as npy_folder (without the Fortran one),
// written by numpy-compatible zipfile code: all three must read back identically.
TEST(CheckpointNpz, StoredAndDeflatedMatchTheNpyFolder) {
    const auto folder = Checkpoint::open({test::dataPath("checkpoint/npy_folder")});
    const auto stored = Checkpoint::open({test::dataPath("checkpoint/stored.npz")});
    const auto deflated = Checkpoint::open({test::dataPath("checkpoint/deflated.npz")});
    ASSERT_EQ(stored.tensors().size(), 8u);
    ASSERT_EQ(deflated.tensors().size(), 8u);
    for (const auto* npz : {&stored, &deflated}) {
        for (const auto& info : npz->tensors()) {
            const TensorInfo* reference = folder.find(info.name);
            ASSERT_NE(reference, nullptr) << info.name;
            EXPECT_EQ(info.dtype, reference->dtype);
            EXPECT_EQ(info.shape, reference->shape);
            EXPECT_EQ(test::readAll(*npz, info), test::readAll(folder, *reference)) << info.name;
        }
    }
    EXPECT_EQ(stored.tensors()[0].name, "i8_2x3"); // member order
}

TEST(CheckpointNpz, StoredMembersPointIntoTheZipFile) {
    const std::string path = test::dataPath("checkpoint/stored.npz");
    const auto checkpoint = Checkpoint::open({path});
    const auto zipBytes = test::readFileBytes(path);
    for (const auto& info : checkpoint.tensors()) {
        EXPECT_TRUE(info.member.empty()) << info.name;
        EXPECT_EQ(info.file, path);
        ASSERT_LE(info.offset + info.bytes, zipBytes.size());
        const std::vector<std::uint8_t> direct(zipBytes.begin() + info.offset,
                                               zipBytes.begin() + info.offset + info.bytes);
        EXPECT_EQ(direct, test::readAll(checkpoint, info)) << info.name;
    }
}

TEST(CheckpointNpz, DeflatedMembersAreInflatedOnRead) {
    const auto checkpoint = Checkpoint::open({test::dataPath("checkpoint/deflated.npz")});
    const TensorInfo& info = *checkpoint.find("i64_2");
    EXPECT_EQ(info.member, "i64_2.npy");
    std::vector<std::uint8_t> second(8);
    checkpoint.read(info, 8, second); // a slice: skips the first element
    std::int64_t value = 0;
    std::memcpy(&value, second.data(), 8);
    EXPECT_EQ(value, (1ll << 40) + 7);
}

TEST(CheckpointNpz, DeflatedSlicesInAnyOrderMatchTheWhole) {
    const auto checkpoint = Checkpoint::open({test::dataPath("checkpoint/deflated.npz")});
    const TensorInfo& f32 = *checkpoint.find("f32_3");
    const TensorInfo& i8 = *checkpoint.find("i8_2x3");
    const auto whole = test::readAll(checkpoint, f32);
    const auto wholeI8 = test::readAll(checkpoint, i8);
    // Forward, backward, and interleaved with another member.
    for (std::uint64_t offset : {0u, 4u, 8u, 4u, 0u, 8u}) {
        std::vector<std::uint8_t> slice(4);
        checkpoint.read(f32, offset, slice);
        EXPECT_TRUE(std::equal(slice.begin(), slice.end(), whole.begin() + offset)) << offset;
        std::vector<std::uint8_t> one(1);
        checkpoint.read(i8, offset % 6, one);
        EXPECT_EQ(one[0], wholeI8[offset % 6]);
    }
}

} // namespace
} // namespace nzc::checkpoint

namespace nzc::checkpoint {
namespace {

// Files written by np.savez / np.savez_compressed themselves (zip64 extra fields).
TEST(CheckpointNpz, NumpyWrittenArchivesRead) {
    std::vector<std::uint8_t> w(12);
    for (std::size_t i = 0; i < w.size(); ++i)
        w[i] = static_cast<std::uint8_t>(static_cast<int>(i) - 6);
    for (auto name : {"numpy_savez.npz", "numpy_savez_compressed.npz"}) {
        const auto checkpoint =
            Checkpoint::open({test::dataPath(std::string("checkpoint/") + name)});
        ASSERT_EQ(checkpoint.tensors().size(), 2u) << name;
        const TensorInfo& info = *checkpoint.find("w");
        EXPECT_EQ(info.shape, (std::vector<std::uint64_t>{3, 4}));
        EXPECT_EQ(info.member.empty(), std::string(name) == "numpy_savez.npz");
        EXPECT_EQ(test::readAll(checkpoint, info), w) << name;
        EXPECT_EQ(test::readAll(checkpoint, *checkpoint.find("v")),
                  (std::vector<std::uint8_t>{0, 0x3C, 0, 0x3C, 0, 0x3C, 0, 0x3C, 0, 0x3C}));
    }
}

} // namespace
} // namespace nzc::checkpoint
