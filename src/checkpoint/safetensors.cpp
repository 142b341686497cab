// safetensors: 8-byte little-endian header length, a JSON header, then the data area that the
// header's data_offsets must tile exactly. The rules follow the reference implementation's
// validation, plus refusal of duplicate names.
#include "checked_math.h"
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"
#include "posix_file.h"
#include "readers.h"
#include "strict_json.h"

#include <algorithm>
#include <vector>

namespace nzc::checkpoint {
namespace {

using Json = nlohmann::json;

std::string offsetsText(std::uint64_t begin, std::uint64_t end) {
    return "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

std::vector<std::uint64_t> parseShape(const Json& value, const std::string& file,
                                      const std::string& name) {
    if (!value.is_array())
        throw InputError(file, name, "shape is not an array");
    std::vector<std::uint64_t> shape;
    shape.reserve(value.size());
    for (const auto& dim : value) {
        if (!dim.is_number_unsigned())
            throw InputError(file, name,
                             "shape entry " + dim.dump() + " is not a non-negative integer");
        shape.push_back(dim.get<std::uint64_t>());
    }
    return shape;
}

struct Entry {
    TensorInfo info;
    std::uint64_t end = 0;
};

Entry parseTensor(const std::string& name, const Json& value, const std::string& file) {
    if (!value.is_object())
        throw InputError(file, name, "entry is not an object");
    auto dtypeIt = value.find("dtype");
    auto shapeIt = value.find("shape");
    auto offsetsIt = value.find("data_offsets");
    if (dtypeIt == value.end() || shapeIt == value.end() || offsetsIt == value.end())
        throw InputError(file, name, "entry needs dtype, shape and data_offsets");
    if (!dtypeIt->is_string())
        throw InputError(file, name, "dtype is not a string");
    const auto& dtypeText = dtypeIt->get_ref<const std::string&>();
    auto dtype = parseDType(dtypeText);
    if (!dtype)
        throw InputError(file, name, "unknown dtype '" + dtypeText + "'");

    Entry entry;
    entry.info.name = name;
    entry.info.file = file;
    entry.info.dtype = *dtype;
    entry.info.shape = parseShape(*shapeIt, file, name);

    const Json& offsets = *offsetsIt;
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
        throw InputError(file, name, "data_offsets is not a pair of non-negative integers");
    const auto begin = offsets[0].get<std::uint64_t>();
    const auto end = offsets[1].get<std::uint64_t>();
    if (end < begin)
        throw InputError(file, name, offsetsText(begin, end) + " end before begin");

    auto elements = checkedElements(entry.info.shape);
    if (!elements)
        throw InputError(file, name, "shape product overflows 64 bits");
    auto bytes = checkedMul(*elements, itemSize(*dtype));
    if (!bytes)
        throw InputError(file, name, "byte size of the shape overflows 64 bits");
    if (end - begin != *bytes)
        throw InputError(file, name,
                         offsetsText(begin, end) + " span " + std::to_string(end - begin) +
                             " bytes but the shape needs " + std::to_string(*bytes));
    entry.info.offset = begin;
    entry.info.bytes = *bytes;
    entry.end = end;
    return entry;
}

void parseMetadata(const Json& value, const std::string& file, SafetensorsHeader& out) {
    if (value.is_null())
        return;
    if (!value.is_object())
        throw InputError(file, "", "__metadata__ is not an object");
    for (const auto& [key, item] : value.items()) {
        if (!item.is_string())
            throw InputError(file, "", "__metadata__ value of '" + key + "' is not a string");
        out.metadata.emplace(key, item.get<std::string>());
    }
}

} // namespace

std::uint64_t safetensorsHeaderLength(std::span<const std::uint8_t> prefix, std::uint64_t fileSize,
                                      const std::string& file) {
    if (fileSize < 8 || prefix.size() < 8)
        throw InputError(file, "",
                         "file is " + std::to_string(fileSize) +
                             " bytes, too short for the 8-byte safetensors header length");
    const std::uint64_t length = loadLe(prefix.data(), 8);
    if (length > kMaxSafetensorsHeaderBytes)
        throw InputError(file, "",
                         "header length " + std::to_string(length) + " exceeds the limit of " +
                             std::to_string(kMaxSafetensorsHeaderBytes) + " bytes");
    if (length > fileSize - 8)
        throw InputError(file, "",
                         "header length " + std::to_string(length) +
                             " runs past the end of the file (" + std::to_string(fileSize) +
                             " bytes)");
    return length;
}

SafetensorsHeader parseSafetensorsHeader(std::string_view json, std::uint64_t dataBytes,
                                         const std::string& file) {
    const Json root = parseStrictJson(json, file, "header");
    if (!root.is_object())
        throw InputError(file, "", "header is not a JSON object");

    SafetensorsHeader header;
    std::vector<Entry> entries;
    entries.reserve(root.size());
    for (const auto& [key, value] : root.items()) {
        if (key == "__metadata__")
            parseMetadata(value, file, header);
        else
            entries.push_back(parseTensor(key, value, file));
    }

    // File order; zero-byte tensors sort before a tensor starting at the same offset.
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        if (a.info.offset != b.info.offset)
            return a.info.offset < b.info.offset;
        if (a.end != b.end)
            return a.end < b.end;
        return a.info.name < b.info.name;
    });
    std::uint64_t expected = 0;
    for (const auto& entry : entries) {
        const auto begin = entry.info.offset;
        if (begin > expected)
            throw InputError(file, entry.info.name,
                             offsetsText(begin, entry.end) + " leave a hole: the previous " +
                                 "tensor ends at " + std::to_string(expected));
        if (begin < expected)
            throw InputError(file, entry.info.name,
                             offsetsText(begin, entry.end) + " overlap the previous tensor, " +
                                 "which ends at " + std::to_string(expected));
        expected = entry.end;
    }
    if (expected != dataBytes)
        throw InputError(file, "",
                         "tensors cover " + std::to_string(expected) +
                             " bytes of data but the file holds " + std::to_string(dataBytes) +
                             " bytes after the header");

    header.tensors.reserve(entries.size());
    for (auto& entry : entries)
        header.tensors.push_back(std::move(entry.info));
    return header;
}

std::vector<TensorInfo> readSafetensorsFile(const std::string& path) {
    PosixFile file(path);
    std::uint8_t prefix[8] = {};
    const auto prefixBytes = static_cast<std::size_t>(std::min<std::uint64_t>(8, file.size()));
    file.readExact(0, {prefix, prefixBytes});
    const std::uint64_t length = safetensorsHeaderLength({prefix, prefixBytes}, file.size(), path);
    std::string json(static_cast<std::size_t>(length), '\0');
    file.readExact(8, {reinterpret_cast<std::uint8_t*>(json.data()), json.size()});
    const std::uint64_t dataStart = 8 + length;
    auto header = parseSafetensorsHeader(json, file.size() - dataStart, path);
    for (auto& tensor : header.tensors)
        tensor.offset += dataStart;
    return std::move(header.tensors);
}

} // namespace nzc::checkpoint
