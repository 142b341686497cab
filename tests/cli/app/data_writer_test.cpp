// The writer thread of the compress pipeline (src/app/data_writer.cpp): bytes land at their
// offsets through O_DIRECT and through the page cache alike, and a failed write is reported,
// again and again.
#include "data_writer.h"

#include <nzcompress/errors.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using nzc::app::DataWriter;

std::vector<std::uint8_t> readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class DataWriterTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (!fs::is_directory(GetParam()))
            GTEST_SKIP() << GetParam() << " does not exist here";
        std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        std::replace(test.begin(), test.end(), '/', '_');
        path_ =
            fs::path(GetParam()) / ("nzc_data_writer_" + std::to_string(::getpid()) + "_" + test);
        std::ofstream(path_).put('\0'); // the writer writes into an existing file
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove(path_, ignored);
    }
    fs::path path_;
};

TEST_P(DataWriterTest, PiecesLandAtTheirOffsetsAlignedOrNot) {
    std::mt19937_64 random(5);
    // Offsets on and off page boundaries, lengths below, at and above a page and above the
    // 8 MiB bounce buffer, with gaps between them that must stay zero.
    const std::vector<std::pair<std::uint64_t, std::size_t>> layout = {
        {0, 100},          {4096, 4096},           {8192, 5000},  {20000, 3},
        {24576, 12 << 20}, {(13 << 20) + 7, 9000}, {14 << 20, 1},
    };
    auto bytes = std::make_shared<std::vector<std::vector<std::uint8_t>>>();
    std::vector<DataWriter::Piece> pieces;
    std::vector<std::uint8_t> expected;
    for (const auto& [offset, size] : layout) {
        std::vector<std::uint8_t> piece(size);
        for (std::uint8_t& b : piece)
            b = static_cast<std::uint8_t>(random() | 1); // never 0, unlike the gaps
        if (expected.size() < offset + size)
            expected.resize(offset + size, 0);
        std::copy(piece.begin(), piece.end(), expected.begin() + static_cast<long>(offset));
        bytes->push_back(std::move(piece));
        pieces.push_back({offset, bytes->back()});
    }
    DataWriter writer(path_.string());
    // ext4, xfs, btrfs... take O_DIRECT; tmpfs only since Linux 6.6.
    struct statfs info {};
    ASSERT_EQ(::statfs(GetParam().c_str(), &info), 0);
    if (info.f_type != TMPFS_MAGIC)
        EXPECT_TRUE(writer.direct()) << GetParam();
    writer.start(std::move(pieces), bytes);
    bytes.reset(); // the writer keeps the buffers alive until they are written
    writer.wait();
    EXPECT_EQ(readFile(path_), expected);
}

TEST_P(DataWriterTest, BatchesFollowEachOther) {
    DataWriter writer(path_.string());
    auto first = std::make_shared<std::vector<std::uint8_t>>(10000, 0x11);
    auto second = std::make_shared<std::vector<std::uint8_t>>(10000, 0x22);
    writer.start({{0, *first}}, first);
    writer.start({{5000, *second}}, second); // waits for the first batch
    writer.wait();
    const auto file = readFile(path_);
    ASSERT_EQ(file.size(), 15000U);
    EXPECT_EQ(file[4999], 0x11);
    EXPECT_EQ(file[5000], 0x22);
}

TEST_P(DataWriterTest, WrittenBytesAreReleasedBeforeTheSync) {
    DataWriter writer(path_.string());
    auto bytes = std::make_shared<std::vector<std::uint8_t>>(3 * 4096 + 5, 0x55);
    const std::weak_ptr<std::vector<std::uint8_t>> watch = bytes;
    writer.start({{4096, *bytes}}, bytes);
    bytes.reset();
    writer.waitWritten();
    EXPECT_TRUE(watch.expired()) << "the buffers are kept after their writes";
    writer.wait();
    EXPECT_EQ(readFile(path_).size(), 4 * 4096U + 5);
}

TEST_P(DataWriterTest, AFailedWriteIsReportedByEveryLaterWait) {
    DataWriter writer(path_.string());
    auto bytes = std::make_shared<std::vector<std::uint8_t>>(8192, 0x33);
    // Reaching past the largest offset Linux allows (a file of 2^63 - 1 bytes).
    writer.start({{std::numeric_limits<std::int64_t>::max() - 100, *bytes}}, bytes);
    EXPECT_THROW(writer.waitWritten(), nzc::IoError);
    EXPECT_THROW(writer.wait(), nzc::IoError);
    try {
        writer.wait();
        FAIL() << "the error was forgotten";
    } catch (const nzc::IoError& error) {
        EXPECT_NE(std::string(error.what()).find(path_.string()), std::string::npos)
            << error.what();
    }
}

TEST_P(DataWriterTest, WritesBufferedWhenAskedTo) {
    DataWriter writer(path_.string(), false);
    EXPECT_FALSE(writer.direct());
    auto bytes = std::make_shared<std::vector<std::uint8_t>>(3 * 4096, 0x44);
    writer.start({{4096, *bytes}}, bytes);
    writer.wait();
    const auto file = readFile(path_);
    ASSERT_EQ(file.size(), 4 * 4096U);
    EXPECT_EQ(file[4096], 0x44);
    EXPECT_EQ(file.back(), 0x44);
}

// /tmp: a disk file system, written with O_DIRECT; /dev/shm: tmpfs, which has O_DIRECT only
// since Linux 6.6 (before, everything goes through the page cache).
INSTANTIATE_TEST_SUITE_P(FileSystems, DataWriterTest, ::testing::Values("/tmp", "/dev/shm"),
                         [](const auto& info) { return info.param == "/tmp" ? "tmp" : "shm"; });

TEST(DataWriter, MissingFileIsAnIoErrorNamingIt) {
    try {
        DataWriter writer("/nonexistent/folder/out.h5.partial");
        FAIL() << "opened a file that does not exist";
    } catch (const nzc::IoError& error) {
        EXPECT_NE(std::string(error.what()).find("/nonexistent/folder/out.h5.partial"),
                  std::string::npos);
    }
}

} // namespace
