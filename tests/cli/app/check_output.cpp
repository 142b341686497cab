// check_output OUT.h5 [CHECKPOINT...]: proves an nzcompress output lossless. For every
// /weight dataset it decodes weight + index (compressed) or takes the raw bytes (disabled),
// checks that the result hashes to the nz_xxh3_64 attribute, and, given the source
// checkpoint, that the source tensor laid out in Nz hashes to the same value. Passthrough
// tensors are compared byte for byte with the source. Prints one line per problem; exit 0
// only if there is none. A test tool, not part of nzcompress.
#include <nzcompress/checkpoint.h>
#include <nzcompress/h5.h>
#include <nzcompress/layout.h>

#include <fmt/format.h>
#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <optional>

namespace {

using namespace nzc;

int problems = 0;

void problem(const std::string& text) {
    std::fprintf(stderr, "check_output: %s\n", text.c_str());
    ++problems;
}

std::string hex64(std::uint64_t value) {
    return fmt::format("{:016x}", value);
}

void checkWeight(const h5::File& file, const std::string& link,
                 const checkpoint::Checkpoint* source) {
    const std::string path = "/weight/" + link;
    const std::string name = file.getStringAttribute(path, "name");
    if (name != h5::unescapeName(link))
        problem(name + ": link name does not unescape to the name attribute");
    const std::string kind = file.getStringAttribute(path, "kind");
    const std::string expected = file.getStringAttribute(path, "nz_xxh3_64");
    const auto weight = file.openDataset(path).readAll();
    const auto index = file.openDataset("/index/" + link).readAll();
    const auto infoBytes = file.openDataset("/info/" + link).readAll();
    std::array<std::int64_t, layout::kInfoSize> info{};
    if (infoBytes.size() != sizeof info) {
        problem(name + ": info is not 5 int64");
        return;
    }
    std::memcpy(info.data(), infoBytes.data(), sizeof info);
    const auto type = file.getStringAttribute(path, "compress_type") == "high"
                          ? codec::CompressType::High
                          : codec::CompressType::Low;
    std::vector<std::uint8_t> nz;
    try {
        nz = kind == "disabled" ? weight : layout::decompressNzWeight(weight, index, info, type);
    } catch (const std::exception& error) {
        problem(name + ": does not decode: " + error.what());
        return;
    }
    if (hex64(XXH3_64bits(nz.data(), nz.size())) != expected)
        problem(name + ": decoded Nz bytes do not match nz_xxh3_64 " + expected);
    if (source == nullptr)
        return;
    const checkpoint::TensorInfo* tensor = source->find(name);
    if (tensor == nullptr) {
        problem(name + ": not in the source checkpoint");
        return;
    }
    if (file.getIntAttribute(path, "transposed") != 0 || file.hasAttribute(path, "sparse_ratio"))
        return; // the source alone does not give these Nz bytes
    std::vector<std::uint8_t> raw(tensor->bytes);
    source->read(*tensor, 0, raw);
    const layout::ByteShape shape{tensor->shape.at(0),
                                  tensor->shape.at(1) * checkpoint::itemSize(tensor->dtype)};
    const auto sourceNz = layout::toNz(raw, shape);
    if (sourceNz != nz)
        problem(name + ": decoded bytes differ from the source tensor in Nz layout");
}

void checkPassthrough(const h5::File& file, const std::string& link,
                      const checkpoint::Checkpoint& source) {
    const std::string path = "/passthrough/" + link;
    const std::string name = file.getStringAttribute(path, "name");
    const checkpoint::TensorInfo* tensor = source.find(name);
    if (tensor == nullptr) {
        problem(name + ": passthrough tensor not in the source checkpoint");
        return;
    }
    std::vector<std::uint8_t> raw(tensor->bytes);
    source.read(*tensor, 0, raw);
    if (file.openDataset(path).readAll() != raw)
        problem(name + ": passthrough bytes differ from the source");
    if (file.getStringAttribute(path, "dtype") != checkpoint::dtypeName(tensor->dtype))
        problem(name + ": dtype attribute differs from the source");
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: check_output OUT.h5 [CHECKPOINT...]\n");
        return 2;
    }
    try {
        const h5::File file = h5::File::openSerial(argv[1], false);
        if (file.getIntAttribute("/", "complete") != 1)
            problem("root attribute complete is not 1");
        std::optional<checkpoint::Checkpoint> source;
        if (argc > 2)
            source.emplace(
                checkpoint::Checkpoint::open(std::vector<std::string>(argv + 2, argv + argc)));
        std::size_t weights = 0;
        std::size_t copies = 0;
        for (const std::string& link : file.list("/weight")) {
            checkWeight(file, link, source ? &*source : nullptr);
            ++weights;
        }
        if (source) {
            for (const std::string& link : file.list("/passthrough")) {
                checkPassthrough(file, link, *source);
                ++copies;
            }
            if (weights + copies != source->tensors().size())
                problem(fmt::format("{} tensors in the output, {} in the source", weights + copies,
                                    source->tensors().size()));
        }
        std::printf("check_output: %zu weights, %zu passthrough checked, %d problem(s)\n", weights,
                    copies, problems);
    } catch (const std::exception& error) {
        problem(error.what());
    }
    return problems == 0 ? 0 : 1;
}
