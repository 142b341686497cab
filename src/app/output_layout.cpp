// The output file's layout, built collectively by all ranks.
#include "output_layout.h"

#include <nzcompress/errors.h>
#include <nzcompress/layout.h>
#include <nzcompress/version.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <unistd.h>
#include <xxhash.h>

namespace nzc::app {
namespace {

constexpr std::int64_t kFormatVersion = 1;

std::string hex64(std::uint64_t value) {
    return fmt::format("{:016x}", value);
}

std::vector<std::int64_t> toInt64(const std::vector<std::uint64_t>& values) {
    return {values.begin(), values.end()};
}

// Attributes every tensor's main dataset carries: enough to rebuild the checkpoint entry.
void setTensorAttributes(h5::File& file, const std::string& path,
                         const checkpoint::TensorInfo& tensor, std::string_view kind) {
    file.setAttribute(path, "name", tensor.name);
    file.setAttribute(path, "kind", kind);
    file.setAttribute(path, "dtype", checkpoint::dtypeName(tensor.dtype));
    const std::vector<std::int64_t> shape = toInt64(tensor.shape);
    file.setAttribute(path, "shape", std::span<const std::int64_t>(shape));
}

void syncPath(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0)
        throw IoError(path, std::string("cannot open to sync: ") + std::strerror(errno));
    const int status = ::fsync(fd);
    const int saved = errno;
    ::close(fd);
    if (status != 0)
        throw IoError(path, std::string("fsync failed: ") + std::strerror(saved));
}

} // namespace

OutputMeta metaOf(const TensorOutput& output, int rank) {
    OutputMeta meta;
    meta.planIndex = output.planIndex;
    meta.rank = rank;
    meta.weightBytes = output.weight.size();
    meta.indexBytes = output.index.size();
    meta.info = output.info;
    meta.nzShape = output.nzShape;
    meta.nzChecksum = output.nzChecksum;
    meta.seconds = output.seconds;
    return meta;
}

std::vector<std::uint8_t> serializeMetas(std::span<const OutputMeta> metas) {
    nlohmann::json rows = nlohmann::json::array();
    for (const OutputMeta& m : metas) {
        rows.push_back({m.planIndex, m.rank, m.weightBytes, m.indexBytes, m.info, m.nzShape,
                        m.nzChecksum, m.seconds});
    }
    return nlohmann::json::to_cbor(rows);
}

std::vector<OutputMeta> deserializeMetas(std::span<const std::uint8_t> bytes) {
    std::vector<OutputMeta> metas;
    try {
        for (const nlohmann::json& row : nlohmann::json::from_cbor(bytes.begin(), bytes.end())) {
            OutputMeta m;
            m.planIndex = row.at(0).get<std::size_t>();
            m.rank = row.at(1).get<int>();
            m.weightBytes = row.at(2).get<std::uint64_t>();
            m.indexBytes = row.at(3).get<std::uint64_t>();
            m.info = row.at(4).get<std::array<std::int64_t, 5>>();
            m.nzShape = row.at(5).get<std::array<std::int64_t, 4>>();
            m.nzChecksum = row.at(6).get<std::uint64_t>();
            m.seconds = row.at(7).get<double>();
            metas.push_back(m);
        }
    } catch (const nlohmann::json::exception& error) {
        throw std::invalid_argument(std::string("malformed output record: ") + error.what());
    }
    return metas;
}

std::string weightPath(const std::string& name) {
    return "/weight/" + h5::escapeName(name);
}
std::string indexPath(const std::string& name) {
    return "/index/" + h5::escapeName(name);
}
std::string infoPath(const std::string& name) {
    return "/info/" + h5::escapeName(name);
}
std::string passthroughPath(const std::string& name) {
    return "/passthrough/" + h5::escapeName(name);
}

std::string markerPath(const plan::TensorPlan& entry) {
    return entry.action == plan::Action::Passthrough ? passthroughPath(entry.tensor.name)
                                                     : weightPath(entry.tensor.name);
}

void initializeOutput(h5::File& file, const std::string& config, const std::string& inputs) {
    for (const char* group : {"/weight", "/index", "/info", "/passthrough"})
        file.createGroup(group);
    file.setAttribute("/", "format", std::string_view("nzcompress"));
    file.setAttribute("/", "format_version", kFormatVersion);
    file.setAttribute("/", "tool_version", std::string_view(kVersion));
    file.setAttribute("/", "config", config);
    file.setAttribute("/", "inputs", inputs);
    file.setAttribute("/", "complete", std::int64_t{0});
}

void checkResumable(const h5::File& file, const std::string& config, const std::string& inputs) {
    if (!file.hasAttribute("/", "format") || file.getStringAttribute("/", "format") != "nzcompress")
        throw UsageError(file.path() + " holds no record of an nzcompress run (it was stopped "
                                       "before anything was saved): start again without "
                                       "--resume");
    const auto compare = [&](const char* attribute, const std::string& now) {
        const nlohmann::json was = nlohmann::json::parse(file.getStringAttribute("/", attribute));
        const nlohmann::json is = nlohmann::json::parse(now);
        if (was == is)
            return;
        for (const auto& [key, value] : is.items()) {
            if (!was.contains(key) || was.at(key) != value)
                throw UsageError(fmt::format(
                    "--resume: {} '{}' differs from the interrupted run (was {}, now {}); "
                    "run with the same input and options, or start again without --resume",
                    std::string_view(attribute) == "config" ? "option" : "input", key,
                    was.contains(key) ? was.at(key).dump() : "absent", value.dump()));
        }
        throw UsageError(std::string("--resume: the ") + attribute +
                         " of the interrupted run differs from this run's");
    };
    compare("config", config);
    compare("inputs", inputs);
}

std::vector<bool> findDone(const h5::File& file, const plan::Plan& plan) {
    std::vector<bool> done(plan.tensors.size(), false);
    for (std::size_t i = 0; i < plan.tensors.size(); ++i) {
        const std::string path = markerPath(plan.tensors[i]);
        done[i] = file.exists(path) && file.hasAttribute(path, "done");
    }
    return done;
}

namespace {

// The checks of one done entry. Metadata (opening, attributes, shapes) on every rank, data on
// the owner only. Throws (any exception) when the entry does not check.
void checkDoneEntry(const h5::File& file, const plan::TensorPlan& entry,
                    const checkpoint::Checkpoint& checkpoint, bool mine) {
    const checkpoint::TensorInfo& tensor = entry.tensor;
    if (entry.action == plan::Action::Passthrough) {
        // No checksum is recorded for a copy; the input is the one the run started with
        // (checkResumable compared sizes and times), so the copy is compared with it.
        h5::Dataset data = file.openDataset(passthroughPath(tensor.name));
        if (data.shape() != tensor.shape ||
            data.elementBytes() != checkpoint::itemSize(tensor.dtype))
            throw std::runtime_error("its shape or element size differs from the checkpoint's");
        if (mine) {
            std::vector<std::uint8_t> source(tensor.bytes);
            checkpoint.read(tensor, 0, source);
            if (data.readAll() != source)
                throw std::runtime_error("its bytes differ from the checkpoint's");
        }
        return;
    }
    const std::string path = weightPath(tensor.name);
    h5::Dataset weight = file.openDataset(path);
    h5::Dataset index = file.openDataset(indexPath(tensor.name));
    h5::Dataset info = file.openDataset(infoPath(tensor.name));
    const std::string recorded = file.getStringAttribute(path, "nz_xxh3_64");
    const std::string type = file.getStringAttribute(path, "compress_type");
    if (info.shape() != std::vector<std::uint64_t>{5} || info.elementBytes() != 8)
        throw std::runtime_error("its /info is not 5 int64");
    if (!mine)
        return;
    const std::vector<std::uint8_t> infoBytes = info.readAll();
    std::array<std::int64_t, 5> infoValues{};
    std::memcpy(infoValues.data(), infoBytes.data(), sizeof(infoValues));
    const std::vector<std::uint8_t> stored = weight.readAll();
    std::vector<std::uint8_t> nz;
    if (entry.action == plan::Action::Disable) {
        if (index.shape() != std::vector<std::uint64_t>{0})
            throw std::runtime_error("a disabled layer with an index");
        nz = stored;
    } else {
        nz = layout::decompressNzWeight(stored, index.readAll(), infoValues,
                                        type == "high" ? codec::CompressType::High
                                                       : codec::CompressType::Low);
    }
    if (hex64(XXH3_64bits(nz.data(), nz.size())) != recorded)
        throw std::runtime_error("its Nz bytes do not hash to the recorded nz_xxh3_64");
}

} // namespace

std::vector<std::size_t> findDamaged(const h5::File& file, const plan::Plan& plan,
                                     const std::vector<bool>& done,
                                     const checkpoint::Checkpoint& checkpoint, int myRank,
                                     std::string& firstReason) {
    std::vector<std::size_t> damaged;
    for (std::size_t i = 0; i < plan.tensors.size(); ++i) {
        if (!done[i])
            continue;
        const plan::TensorPlan& entry = plan.tensors[i];
        const bool mine = entry.rank == myRank;
        try {
            checkDoneEntry(file, entry, checkpoint, mine);
        } catch (const std::exception& error) {
            // A metadata failure is seen by every rank alike (collective metadata reads give
            // every rank rank 0's result); the owner speaks for the entry.
            if (!mine)
                continue;
            if (damaged.empty())
                firstReason = "tensor '" + entry.tensor.name + "': " + error.what();
            damaged.push_back(i);
        }
    }
    return damaged;
}

void removeUnfinished(h5::File& file, const plan::Plan& plan, const std::vector<bool>& done) {
    for (std::size_t i = 0; i < plan.tensors.size(); ++i) {
        if (done[i])
            continue;
        const std::string& name = plan.tensors[i].tensor.name;
        for (const std::string& path :
             {weightPath(name), indexPath(name), infoPath(name), passthroughPath(name)}) {
            if (file.exists(path))
                file.remove(path);
        }
    }
}

RoundOutput::RoundOutput(h5::File& file, const plan::Plan& plan, std::span<const OutputMeta> metas,
                         const JobSettings& settings)
    : file_(file.path()) {
    // Creation, on every rank in the same order.
    for (const OutputMeta& meta : metas) {
        const plan::TensorPlan& entry = plan.tensors[meta.planIndex];
        const checkpoint::TensorInfo& tensor = entry.tensor;
        std::vector<std::size_t>& mine = datasetsOf_[meta.planIndex];
        if (entry.action == plan::Action::Passthrough) {
            const std::string path = passthroughPath(tensor.name);
            mine.push_back(datasets_.size());
            datasets_.push_back(
                file.createDataset(path, checkpoint::dtypeName(tensor.dtype), tensor.shape));
            setTensorAttributes(file, path, tensor, "passthrough");
            // So that verify proves the copies too without the source checkpoint.
            file.setAttribute(path, "xxh3_64", hex64(meta.nzChecksum));
            continue;
        }
        const std::string path = weightPath(tensor.name);
        mine.push_back(datasets_.size());
        datasets_.push_back(file.createDataset(path, "I8", {meta.weightBytes}));
        mine.push_back(datasets_.size());
        datasets_.push_back(file.createDataset(indexPath(tensor.name), "I8", {meta.indexBytes}));
        mine.push_back(datasets_.size());
        datasets_.push_back(file.createDataset(infoPath(tensor.name), "I64", {5}));
        setTensorAttributes(file, path, tensor,
                            entry.action == plan::Action::Compress ? "compressed" : "disabled");
        file.setAttribute(path, "nz_shape", std::span<const std::int64_t>(meta.nzShape));
        file.setAttribute(
            path, "compress_type",
            std::string_view(entry.type == codec::CompressType::High ? "high" : "low"));
        file.setAttribute(path, "transposed", std::int64_t{settings.transpose ? 1 : 0});
        if (settings.pseudoSparse) {
            file.setAttribute(path, "sparse_ratio", settings.sparseRatio);
            file.setAttribute(path, "seed", static_cast<std::int64_t>(settings.seed));
        }
        file.setAttribute(path, "nz_xxh3_64", hex64(meta.nzChecksum));
    }
}

std::vector<DataWriter::Piece> RoundOutput::pieces(std::span<const TensorOutput> outputs) const {
    std::vector<DataWriter::Piece> pieces;
    const auto place = [&](const h5::Dataset& dataset, std::span<const std::uint8_t> bytes) {
        if (bytes.empty())
            return;
        const std::optional<std::uint64_t> offset = dataset.fileOffset();
        if (!offset)
            throw IoError(file_, "dataset '" + dataset.path() + "' has no storage to write to");
        pieces.push_back({*offset, bytes});
    };
    for (const TensorOutput& output : outputs) {
        const std::vector<std::size_t>& mine = datasetsOf_.at(output.planIndex);
        place(datasets_[mine[0]], output.weight);
        if (mine.size() > 1) {
            place(datasets_[mine[1]], output.index);
            // int64 in the file as in memory: HDF5's little-endian int64 on a little-endian host.
            static_assert(std::endian::native == std::endian::little);
            place(datasets_[mine[2]],
                  {reinterpret_cast<const std::uint8_t*>(output.info.data()), sizeof output.info});
        }
    }
    return pieces;
}

void RoundOutput::close() {
    // Every dataset is closed even if one fails, so that all ranks make the same calls.
    std::optional<IoError> first;
    for (h5::Dataset& dataset : datasets_) {
        try {
            dataset.close();
        } catch (const IoError& error) {
            if (!first)
                first = error;
        }
    }
    datasets_.clear();
    if (first)
        throw *first;
}

void markDone(h5::File& file, const plan::Plan& plan, std::span<const OutputMeta> metas) {
    for (const OutputMeta& meta : metas)
        file.setAttribute(markerPath(plan.tensors[meta.planIndex]), "done", std::int64_t{1});
}

std::vector<report::TensorStats> finishOutput(const std::string& partial, const std::string& output,
                                              const plan::Plan& plan,
                                              std::vector<report::TensorStats> stats) {
    h5::File file = h5::File::openSerial(partial, true);
    // Entries finished by an earlier (interrupted) run: their figures come from the file.
    std::vector<bool> reported(plan.tensors.size(), false);
    std::map<std::string, std::size_t, std::less<>> indexOf;
    for (std::size_t i = 0; i < plan.tensors.size(); ++i)
        indexOf[plan.tensors[i].tensor.name] = i;
    for (const report::TensorStats& s : stats)
        reported[indexOf.at(s.name)] = true;
    for (std::size_t i = 0; i < plan.tensors.size(); ++i) {
        if (reported[i])
            continue;
        const plan::TensorPlan& entry = plan.tensors[i];
        report::TensorStats s;
        s.name = entry.tensor.name;
        s.rank = -1;
        s.originalBytes = entry.tensor.bytes;
        s.originalElements = entry.tensor.elements();
        if (entry.action == plan::Action::Passthrough) {
            s.kind = report::Kind::Passthrough;
            s.storedBytes = entry.tensor.bytes;
        } else {
            s.kind = entry.action == plan::Action::Compress ? report::Kind::Compressed
                                                            : report::Kind::Disabled;
            s.storedBytes = file.openDataset(weightPath(s.name)).shape().at(0) +
                            file.openDataset(indexPath(s.name)).shape().at(0);
        }
        stats.push_back(std::move(s));
    }
    report::sortByName(stats);

    std::vector<h5::TableColumn> columns(7);
    columns[0] = {"name", h5::TableColumn::Kind::String, {}, {}, {}};
    columns[1] = {"rank", h5::TableColumn::Kind::Int64, {}, {}, {}};
    columns[2] = {"kind", h5::TableColumn::Kind::String, {}, {}, {}};
    columns[3] = {"original_bytes", h5::TableColumn::Kind::Int64, {}, {}, {}};
    columns[4] = {"stored_bytes", h5::TableColumn::Kind::Int64, {}, {}, {}};
    columns[5] = {"ratio", h5::TableColumn::Kind::Float64, {}, {}, {}};
    columns[6] = {"seconds", h5::TableColumn::Kind::Float64, {}, {}, {}};
    for (const report::TensorStats& s : stats) {
        columns[0].strings.push_back(s.name);
        columns[1].ints.push_back(s.rank);
        columns[2].strings.emplace_back(report::kindName(s.kind));
        columns[3].ints.push_back(static_cast<std::int64_t>(s.originalBytes));
        columns[4].ints.push_back(static_cast<std::int64_t>(s.storedBytes));
        columns[5].doubles.push_back(s.ratio());
        columns[6].doubles.push_back(s.seconds);
    }
    if (file.exists("/report"))
        file.remove("/report");
    try {
        file.writeTable("/report", columns);
        file.setAttribute("/", "complete", std::int64_t{1});
        file.close();
    } catch (const IoError&) {
        // Typically a full disk. A file HDF5 fails to close crashes its shutdown later, and
        // closing must write the metadata: free the (now useless) data first, as the
        // parallel part does, then close and remove the file.
        if (::truncate(partial.c_str(), 0) != 0)
            spdlog::warn("{}: cannot truncate: {}", partial, std::strerror(errno));
        try {
            file.close();
        } catch (const IoError& error) {
            spdlog::warn("{}", error.what());
            file.abandon();
        }
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        throw;
    }

    syncPath(partial, false);
    if (std::rename(partial.c_str(), output.c_str()) != 0)
        throw IoError(output,
                      std::string("cannot rename ") + partial + ": " + std::strerror(errno));
    const std::filesystem::path folder = std::filesystem::path(output).parent_path();
    syncPath(folder.empty() ? "." : folder.string(), true);
    return stats;
}

} // namespace nzc::app
