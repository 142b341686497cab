// The parallel writer: collective creation, independent writes of each rank's own data, and
// the serial reader seeing exactly what was written.
#include <nzcompress/h5.h>
#include <nzcompress/mpi.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace {

using nzc::h5::File;
using nzc::mpi::Comm;

// One path shared by all ranks (chosen by rank 0), removed at the end of the test.
class SharedFile {
public:
    SharedFile() : world_(Comm::world()) {
        const std::string mine =
            (std::filesystem::temp_directory_path() / ("nzc_h5_test_" + std::to_string(::getpid()) +
                                                       "_" + std::to_string(counter_++) + ".h5"))
                .string();
        path_ = world_.broadcast(mine);
    }
    ~SharedFile() {
        world_.barrier();
        if (world_.isRoot())
            std::remove(path_.c_str());
    }
    const std::string& path() const { return path_; }
    const Comm& world() const { return world_; }

private:
    static inline int counter_ = 0;
    Comm world_;
    std::string path_;
};

std::vector<std::uint8_t> patternOf(int rank, std::size_t size) {
    std::vector<std::uint8_t> bytes(size);
    for (std::size_t i = 0; i < size; ++i)
        bytes[i] = static_cast<std::uint8_t>(rank * 31 + static_cast<int>(i));
    return bytes;
}

TEST(H5Parallel, EachRankWritesItsOwnDataset) {
    SharedFile shared;
    const Comm& world = shared.world();
    {
        File file = File::createParallel(shared.path(), world, true);
        file.createGroup("/weight");
        std::vector<nzc::h5::Dataset> datasets;
        // Every rank creates every dataset, sizes known to all.
        for (int r = 0; r < world.size(); ++r)
            datasets.push_back(file.createDataset("/weight/r" + std::to_string(r), "I8",
                                                  {static_cast<std::uint64_t>(r + 1) * 1000}));
        const auto me = static_cast<std::size_t>(world.rank());
        datasets[me].writeRows(patternOf(world.rank(), (me + 1) * 1000));
        for (auto& dataset : datasets)
            dataset.close();
        file.setAttribute("/", "complete", std::int64_t{1});
        file.close();
    }
    world.barrier();
    if (world.isRoot()) {
        const File file = File::openSerial(shared.path(), false);
        EXPECT_EQ(file.getIntAttribute("/", "complete"), 1);
        EXPECT_EQ(file.list("/weight").size(), static_cast<std::size_t>(world.size()));
        for (int r = 0; r < world.size(); ++r) {
            const auto dataset = file.openDataset("/weight/r" + std::to_string(r));
            EXPECT_EQ(dataset.shape(),
                      (std::vector<std::uint64_t>{static_cast<std::uint64_t>(r + 1) * 1000}));
            EXPECT_EQ(dataset.readAll(), patternOf(r, static_cast<std::size_t>(r + 1) * 1000));
        }
    }
}

TEST(H5Parallel, RowsOfAMatrixFromDifferentRanks) {
    SharedFile shared;
    const Comm& world = shared.world();
    const auto ranks = static_cast<std::uint64_t>(world.size());
    {
        File file = File::createParallel(shared.path(), world, true);
        auto dataset = file.createDataset("/m", "F16", {ranks * 2, 3});
        // Rank r writes rows 2r and 2r+1: 2 rows x 3 elements x 2 bytes.
        dataset.writeRows(patternOf(world.rank(), 12),
                          static_cast<std::uint64_t>(world.rank()) * 2);
        EXPECT_THROW(dataset.writeRows(patternOf(0, 5)), nzc::IoError); // not whole rows
        dataset.close();
        file.close();
    }
    world.barrier();
    if (world.isRoot()) {
        const File file = File::openSerial(shared.path(), false);
        const auto dataset = file.openDataset("/m");
        EXPECT_EQ(dataset.elementBytes(), 2u);
        const auto bytes = dataset.readAll();
        ASSERT_EQ(bytes.size(), ranks * 12);
        for (int r = 0; r < world.size(); ++r)
            EXPECT_EQ(
                std::vector<std::uint8_t>(bytes.begin() + r * 12, bytes.begin() + r * 12 + 12),
                patternOf(r, 12));
    }
}

TEST(H5Parallel, AttributesRoundTripAndReplace) {
    SharedFile shared;
    const Comm& world = shared.world();
    {
        File file = File::createParallel(shared.path(), world, true);
        auto dataset = file.createDataset("/d", "I64", {5});
        dataset.close();
        file.setAttribute("/d", "name", std::string_view("a/b"));
        file.setAttribute("/d", "empty", std::string_view(""));
        file.setAttribute("/d", "ratio", 0.25);
        const std::vector<std::int64_t> shape = {7, -3, 1LL << 40};
        file.setAttribute("/d", "shape", std::span<const std::int64_t>(shape));
        file.setAttribute("/", "complete", std::int64_t{0});
        file.setAttribute("/", "complete", std::int64_t{1}); // replaces
        EXPECT_TRUE(file.hasAttribute("/d", "name"));
        EXPECT_FALSE(file.hasAttribute("/d", "missing"));
        EXPECT_TRUE(file.exists("/d"));
        EXPECT_FALSE(file.exists("/nope/d"));
        file.close();
    }
    world.barrier();
    if (world.isRoot()) {
        const File file = File::openSerial(shared.path(), false);
        EXPECT_EQ(file.getStringAttribute("/d", "name"), "a/b");
        EXPECT_EQ(file.getStringAttribute("/d", "empty"), "");
        EXPECT_DOUBLE_EQ(file.getDoubleAttribute("/d", "ratio"), 0.25);
        EXPECT_EQ(file.getIntArrayAttribute("/d", "shape"),
                  (std::vector<std::int64_t>{7, -3, 1LL << 40}));
        EXPECT_EQ(file.getIntAttribute("/", "complete"), 1);
    }
}

TEST(H5Parallel, ExclusiveCreateRefusesAnExistingFile) {
    SharedFile shared;
    const Comm& world = shared.world();
    File::createParallel(shared.path(), world, true).close();
    try {
        File::createParallel(shared.path(), world, false);
        ADD_FAILURE() << "an existing file was overwritten";
    } catch (const nzc::IoError& error) {
        EXPECT_EQ(error.file(), shared.path());
        EXPECT_EQ(error.code(), nzc::ExitCode::Io);
    }
}

TEST(H5Serial, MissingFileNamesThePath) {
    const std::string path = "/nonexistent-folder/none.h5";
    try {
        File::openSerial(path, false);
        ADD_FAILURE() << "opened a missing file";
    } catch (const nzc::IoError& error) {
        EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
    }
    EXPECT_FALSE(File::isHdf5(path));
}

TEST(H5Serial, TableAndRemove) {
    SharedFile shared;
    File::createParallel(shared.path(), shared.world(), true).close();
    shared.world().barrier();
    if (!shared.world().isRoot())
        return;
    {
        File file = File::openSerial(shared.path(), true);
        std::vector<nzc::h5::TableColumn> columns(2);
        columns[0] = {"name", nzc::h5::TableColumn::Kind::String, {"a.weight", "b"}, {}, {}};
        columns[1] = {"bytes", nzc::h5::TableColumn::Kind::Int64, {}, {10, 20}, {}};
        file.writeTable("/report", columns);
        EXPECT_TRUE(file.exists("/report"));
        file.remove("/report");
        EXPECT_FALSE(file.exists("/report"));
        file.writeTable("/report", columns);
        columns[1].ints.pop_back();
        EXPECT_THROW(file.writeTable("/bad", columns), nzc::IoError);
        file.close();
    }
    const File file = File::openSerial(shared.path(), false);
    EXPECT_EQ(file.openDataset("/report").shape(), (std::vector<std::uint64_t>{2}));
}

} // namespace
