// Reading an nzcompress output file serially.
#include "output_reader.h"

#include <nzcompress/errors.h>
#include <nzcompress/layout.h>
#include <nzcompress/report.h>

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace nzc::app {
namespace {

constexpr std::int64_t kFormatVersion = 1;

std::uint64_t multiplyChecked(std::uint64_t a, std::uint64_t b, const std::string& what) {
    if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a)
        throw std::invalid_argument(what + " overflows 64 bits");
    return a * b;
}

std::string describeShape(const std::vector<std::uint64_t>& shape) {
    return fmt::format("[{}]", fmt::join(shape, ", "));
}

// The byte matrix a weight of this shape was compressed as (see layout::byteShapeOf).
layout::ByteShape byteShapeOf(const StoredTensor& tensor) {
    const layout::NdWeight nd{
        {}, tensor.shape.at(0), tensor.shape.at(1), tensor.elementSize(), tensor.transposed};
    return layout::byteShapeOf(nd);
}

} // namespace

std::uint64_t StoredTensor::elements() const {
    std::uint64_t count = 1;
    for (const std::uint64_t d : shape)
        count = multiplyChecked(count, d, "shape " + describeShape(shape));
    return count;
}

std::size_t StoredTensor::elementSize() const {
    return h5::elementSize(dtype);
}

std::uint64_t StoredTensor::originalBytes() const {
    return multiplyChecked(elements(), elementSize(), "shape " + describeShape(shape));
}

std::string compressTypeName(codec::CompressType type) {
    return type == codec::CompressType::High ? "high" : "low";
}

std::string xxh3Hex(const std::vector<std::uint8_t>& bytes) {
    return fmt::format("{:016x}", XXH3_64bits(bytes.data(), bytes.size()));
}

OutputReader::OutputReader(h5::File file, std::string path)
    : file_(std::move(file)), path_(std::move(path)) {}

OutputReader OutputReader::open(const std::string& path, bool requireComplete) {
    // Missing or unreadable: an I/O error. HDF5's own message would not say which.
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0)
        throw IoError(path, std::string("cannot open: ") + std::strerror(errno));
    if (S_ISDIR(status.st_mode))
        throw IoError(path, "is a folder, not an nzcompress output file");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw IoError(path, std::string("cannot open for reading: ") + std::strerror(errno));
    ::close(fd);
    if (!h5::File::isHdf5(path))
        throw InputError(path, "", "not an HDF5 file (not an nzcompress output, or damaged)");
    std::optional<h5::File> file;
    try {
        file.emplace(h5::File::openSerial(path, false));
    } catch (const IoError& error) {
        // The file is readable and starts like HDF5: HDF5 refusing it means damage
        // (typically a truncated file).
        throw InputError(path, "", "damaged HDF5 file: " + error.reason());
    }
    OutputReader reader(std::move(*file), path);
    reader.readRoot();
    if (requireComplete && !reader.root_.complete)
        throw InputError(path, "",
                         "incomplete: root attribute complete is not 1, the compress run that "
                         "writes it has not finished (continue it with compress --resume)");
    reader.readTensors();
    return reader;
}

void OutputReader::readRoot() {
    try {
        if (!file_.hasAttribute("/", "format") ||
            file_.getStringAttribute("/", "format") != "nzcompress")
            throw InputError(path_, "",
                             "not an nzcompress output (no root attribute format = nzcompress)");
        root_.format = "nzcompress";
        root_.formatVersion = file_.hasAttribute("/", "format_version")
                                  ? file_.getIntAttribute("/", "format_version")
                                  : 0;
        if (root_.formatVersion != kFormatVersion)
            throw InputError(path_, "",
                             fmt::format("format_version {} is not supported (this nzcompress "
                                         "reads version {})",
                                         root_.formatVersion, kFormatVersion));
        const auto text = [&](const char* name) {
            return file_.hasAttribute("/", name) ? file_.getStringAttribute("/", name)
                                                 : std::string();
        };
        root_.toolVersion = text("tool_version");
        root_.config = text("config");
        root_.inputs = text("inputs");
        root_.complete =
            file_.hasAttribute("/", "complete") && file_.getIntAttribute("/", "complete") == 1;
    } catch (const IoError& error) {
        throw InputError(path_, "", "damaged root attributes: " + error.reason());
    }
}

void OutputReader::readTensors() {
    std::vector<std::string> weights;
    std::vector<std::string> copies;
    try {
        for (const char* group : {"/weight", "/index", "/info", "/passthrough"}) {
            if (!file_.exists(group))
                throw InputError(path_, "", std::string("group ") + group + " is missing");
        }
        weights = file_.list("/weight");
        copies = file_.list("/passthrough");
    } catch (const IoError& error) {
        throw InputError(path_, "", "damaged groups: " + error.reason());
    }
    // A damaged entry is kept with its problem, so that one bad tensor does not hide the
    // others from verify.
    const auto add = [&](const std::string& link, bool weight) {
        try {
            tensors_.push_back(weight ? readWeightTensor(link) : readPassthroughTensor(link));
        } catch (const InputError& error) {
            StoredTensor t;
            t.name = error.tensor();
            t.link = link;
            t.kind = weight ? report::Kind::Compressed : report::Kind::Passthrough;
            t.problem = error.reason();
            tensors_.push_back(std::move(t));
        }
    };
    for (const std::string& link : weights)
        add(link, true);
    for (const std::string& link : copies)
        add(link, false);
    std::sort(tensors_.begin(), tensors_.end(),
              [](const StoredTensor& a, const StoredTensor& b) { return a.name < b.name; });
    for (std::size_t i = 1; i < tensors_.size(); ++i) {
        if (tensors_[i].name == tensors_[i - 1].name)
            throw InputError(path_, tensors_[i].name,
                             "stored both as a weight and as a passthrough tensor");
    }
}

namespace {

// Reads the attributes common to both groups; throws std::runtime_error-derived errors that
// the caller turns into an InputError naming the tensor.
void readCommon(const h5::File& file, const std::string& path, StoredTensor& t) {
    for (const char* needed : {"name", "kind", "dtype", "shape"}) {
        if (!file.hasAttribute(path, needed))
            throw std::invalid_argument(std::string("attribute '") + needed + "' is missing");
    }
    t.name = file.getStringAttribute(path, "name");
    std::string unescaped;
    try {
        unescaped = h5::unescapeName(t.link);
    } catch (const std::invalid_argument& error) {
        throw std::invalid_argument(std::string("malformed link name: ") + error.what());
    }
    if (unescaped != t.name)
        throw std::invalid_argument("attribute name does not match its link '" + t.link + "'");
    t.dtype = file.getStringAttribute(path, "dtype");
    h5::elementSize(t.dtype); // throws for an unknown spelling
    for (const std::int64_t d : file.getIntArrayAttribute(path, "shape")) {
        if (d < 0)
            throw std::invalid_argument("attribute shape has a negative dimension");
        t.shape.push_back(static_cast<std::uint64_t>(d));
    }
    t.done = file.hasAttribute(path, "done") && file.getIntAttribute(path, "done") == 1;
}

std::uint64_t datasetBytes(const h5::Dataset& dataset, std::size_t elementBytes, std::size_t rank) {
    const std::vector<std::uint64_t> dims = dataset.shape();
    if (dims.size() != rank)
        throw std::invalid_argument("dataset " + dataset.path() + " has " +
                                    std::to_string(dims.size()) + " dimensions, expected " +
                                    std::to_string(rank));
    if (dataset.elementBytes() != elementBytes)
        throw std::invalid_argument("dataset " + dataset.path() + " has " +
                                    std::to_string(dataset.elementBytes()) +
                                    "-byte elements, expected " + std::to_string(elementBytes));
    std::uint64_t bytes = elementBytes;
    for (const std::uint64_t d : dims)
        bytes = multiplyChecked(bytes, d, "dataset " + dataset.path());
    return bytes;
}

} // namespace

StoredTensor OutputReader::readWeightTensor(const std::string& link) const {
    StoredTensor t;
    t.link = link;
    t.kind = report::Kind::Compressed;
    const std::string path = "/weight/" + link;
    try {
        readCommon(file_, path, t);
        const std::string kind = file_.getStringAttribute(path, "kind");
        if (kind != "compressed" && kind != "disabled")
            throw std::invalid_argument("kind '" + kind + "' under /weight");
        t.kind = report::parseKind(kind);
        if (t.shape.size() != 2)
            throw std::invalid_argument("a weight of shape " + describeShape(t.shape) +
                                        " is not 2-D");
        for (const char* needed : {"compress_type", "transposed", "nz_shape", "nz_xxh3_64"}) {
            if (!file_.hasAttribute(path, needed))
                throw std::invalid_argument(std::string("attribute '") + needed + "' is missing");
        }
        const std::string type = file_.getStringAttribute(path, "compress_type");
        if (type != "low" && type != "high")
            throw std::invalid_argument("compress_type '" + type + "' is not low or high");
        t.type = type == "high" ? codec::CompressType::High : codec::CompressType::Low;
        t.transposed = file_.getIntAttribute(path, "transposed") != 0;
        if (file_.hasAttribute(path, "sparse_ratio")) {
            t.sparseRatio = file_.getDoubleAttribute(path, "sparse_ratio");
            if (!file_.hasAttribute(path, "seed"))
                throw std::invalid_argument("attribute 'sparse_ratio' without 'seed'");
            t.seed = static_cast<std::uint64_t>(file_.getIntAttribute(path, "seed"));
        }
        t.nzChecksum = file_.getStringAttribute(path, "nz_xxh3_64");
        const std::vector<std::int64_t> nz = file_.getIntArrayAttribute(path, "nz_shape");
        if (nz.size() != 4)
            throw std::invalid_argument("attribute nz_shape does not have 4 entries");
        std::copy(nz.begin(), nz.end(), t.nzShape.begin());
        t.weightBytes = datasetBytes(file_.openDataset(path), 1, 1);
        t.indexBytes = datasetBytes(file_.openDataset("/index/" + link), 1, 1);
        datasetBytes(file_.openDataset("/info/" + link), 8, 1);
        t.originalBytes(); // overflow check
    } catch (const std::exception& error) {
        // A damaged entry: the caller decides whether to stop or to report and go on.
        throw InputError(path_, t.name.empty() ? link : t.name, error.what());
    }
    return t;
}

StoredTensor OutputReader::readPassthroughTensor(const std::string& link) const {
    StoredTensor t;
    t.link = link;
    t.kind = report::Kind::Passthrough;
    const std::string path = "/passthrough/" + link;
    try {
        readCommon(file_, path, t);
        if (file_.getStringAttribute(path, "kind") != "passthrough")
            throw std::invalid_argument("kind '" + file_.getStringAttribute(path, "kind") +
                                        "' under /passthrough");
        const h5::Dataset dataset = file_.openDataset(path);
        if (dataset.shape() != t.shape)
            throw std::invalid_argument("dataset shape " + describeShape(dataset.shape()) +
                                        " differs from attribute shape " + describeShape(t.shape));
        t.weightBytes = datasetBytes(dataset, t.elementSize(), t.shape.size());
        if (file_.hasAttribute(path, "xxh3_64"))
            t.nzChecksum = file_.getStringAttribute(path, "xxh3_64");
    } catch (const std::exception& error) {
        throw InputError(path_, t.name.empty() ? link : t.name, error.what());
    }
    return t;
}

const StoredTensor* OutputReader::find(const std::string& name) const {
    const auto it = std::lower_bound(
        tensors_.begin(), tensors_.end(), name,
        [](const StoredTensor& t, const std::string& wanted) { return t.name < wanted; });
    return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

void OutputReader::requireSound(const StoredTensor& tensor) const {
    if (!tensor.problem.empty())
        throw InputError(path_, tensor.name, tensor.problem);
}

std::vector<std::uint8_t> OutputReader::readDataset(const StoredTensor& tensor,
                                                    const std::string& path) const {
    requireSound(tensor);
    try {
        return file_.openDataset(path).readAll();
    } catch (const IoError& error) {
        // The file opened, so HDF5 failing on one of its objects is damage, not the disk.
        throw InputError(path_, tensor.name, "cannot read " + path + ": " + error.reason());
    }
}

std::vector<std::uint8_t> OutputReader::readWeight(const StoredTensor& tensor) const {
    return readDataset(tensor, "/weight/" + tensor.link);
}

std::vector<std::uint8_t> OutputReader::readIndex(const StoredTensor& tensor) const {
    return readDataset(tensor, "/index/" + tensor.link);
}

std::array<std::int64_t, 5> OutputReader::readInfo(const StoredTensor& tensor) const {
    const std::vector<std::uint8_t> bytes = readDataset(tensor, "/info/" + tensor.link);
    std::array<std::int64_t, 5> info{};
    if (bytes.size() != sizeof info)
        throw InputError(path_, tensor.name,
                         "/info holds " + std::to_string(bytes.size()) + " bytes, not 5 int64");
    std::memcpy(info.data(), bytes.data(), sizeof info); // stored little-endian, as is x86-64
    return info;
}

std::vector<std::uint8_t> OutputReader::readPassthrough(const StoredTensor& tensor) const {
    return readDataset(tensor, "/passthrough/" + tensor.link);
}

std::vector<std::uint8_t> OutputReader::nzBytes(const StoredTensor& tensor) const {
    const auto damaged = [&](const std::string& reason) {
        return InputError(path_, tensor.name, reason);
    };
    requireSound(tensor);
    if (!tensor.isWeight())
        throw std::logic_error("nzBytes of a passthrough tensor");
    // Everything the attributes say must agree before any data-sized allocation, so that a
    // damaged size cannot ask for terabytes.
    layout::ByteShape shape;
    layout::NzShape nzShape;
    try {
        shape = byteShapeOf(tensor);
        nzShape = layout::nzShapeOf(shape);
    } catch (const std::invalid_argument& error) {
        throw damaged(error.what());
    }
    const std::array<std::int64_t, 4> expectedNz = {static_cast<std::int64_t>(nzShape.k1),
                                                    static_cast<std::int64_t>(nzShape.n1),
                                                    static_cast<std::int64_t>(layout::kBlockRows),
                                                    static_cast<std::int64_t>(layout::kBlockCols)};
    if (tensor.nzShape != expectedNz)
        throw damaged(fmt::format("nz_shape [{}] does not match shape {} (expected [{}])",
                                  fmt::join(tensor.nzShape, ", "), describeShape(tensor.shape),
                                  fmt::join(expectedNz, ", ")));
    const std::array<std::int64_t, 5> info = readInfo(tensor);
    if (info != layout::infoOf(shape))
        throw damaged(fmt::format("info [{}] does not match shape {} (expected [{}])",
                                  fmt::join(info, ", "), describeShape(tensor.shape),
                                  fmt::join(layout::infoOf(shape), ", ")));
    if (tensor.kind == report::Kind::Disabled) {
        if (tensor.weightBytes != nzShape.bytes() || tensor.indexBytes != 0)
            throw damaged(fmt::format("a disabled layer holds {} weight and {} index bytes, its "
                                      "Nz layout needs {} and 0",
                                      tensor.weightBytes, tensor.indexBytes, nzShape.bytes()));
        return readWeight(tensor);
    }
    const std::uint64_t indexBytes = layout::tileCount(nzShape) * codec::kIndexEntryBytes;
    if (tensor.indexBytes != indexBytes)
        throw damaged(fmt::format("/index holds {} bytes, {} tiles need {}", tensor.indexBytes,
                                  layout::tileCount(nzShape), indexBytes));
    const std::vector<std::uint8_t> weight = readWeight(tensor);
    const std::vector<std::uint8_t> index = readIndex(tensor);
    try {
        return layout::decompressNzWeight(weight, index, info, tensor.type);
    } catch (const std::exception& error) {
        // LayoutError, CodecError, DecodeError: the stored bytes are not a valid encoding.
        throw damaged(std::string("compressed data do not decode: ") + error.what());
    }
}

void OutputReader::checkChecksum(const StoredTensor& tensor,
                                 const std::vector<std::uint8_t>& bytes) const {
    if (tensor.nzChecksum.empty())
        return;
    const std::string actual = xxh3Hex(bytes);
    if (actual != tensor.nzChecksum)
        throw InputError(path_, tensor.name,
                         fmt::format("{} hash to {}, the file records {} {}",
                                     tensor.kind == report::Kind::Compressed
                                         ? "decoded Nz bytes"
                                         : (tensor.isWeight() ? "stored Nz bytes" : "stored bytes"),
                                     actual, tensor.isWeight() ? "nz_xxh3_64" : "xxh3_64",
                                     tensor.nzChecksum));
}

std::vector<std::uint8_t> OutputReader::fromNz(const StoredTensor& tensor,
                                               const std::vector<std::uint8_t>& nz) const {
    std::vector<std::uint8_t> nd = layout::fromNz(nz, byteShapeOf(tensor));
    if (!tensor.transposed)
        return nd;
    // Stored as the transposed weight [cols, rows]; turn it back to [rows, cols].
    return layout::transposeElements(nd, tensor.shape[1], tensor.shape[0], tensor.elementSize());
}

std::vector<std::uint8_t> OutputReader::restore(const StoredTensor& tensor) const {
    requireSound(tensor);
    if (!tensor.isWeight()) {
        std::vector<std::uint8_t> bytes = readPassthrough(tensor);
        checkChecksum(tensor, bytes);
        return bytes;
    }
    const std::vector<std::uint8_t> nz = nzBytes(tensor);
    checkChecksum(tensor, nz);
    return fromNz(tensor, nz);
}

} // namespace nzc::app
