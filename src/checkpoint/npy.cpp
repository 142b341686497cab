// npy v1/v2/v3: "\x93NUMPY", version, header length, then a Python-literal dict with exactly
// descr, fortran_order and shape, padded to alignment, then the raw array. The dict is parsed
// by py_literal (never evaluated) and object arrays, whose data is a pickle, are refused.
#include "checked_math.h"
#include "nzcompress/checkpoint_formats.h"
#include "nzcompress/errors.h"
#include "posix_file.h"
#include "py_literal.h"
#include "readers.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace nzc::checkpoint {
namespace {

constexpr std::array<std::uint8_t, 6> kMagic{0x93, 'N', 'U', 'M', 'P', 'Y'};

struct NpyType {
    std::string_view code; // kind and size, as in "<f2" without the byte order
    DType dtype;
};

constexpr std::array<NpyType, 12> kNpyTypes{{
    {"b1", DType::Bool},
    {"i1", DType::I8},
    {"u1", DType::U8},
    {"i2", DType::I16},
    {"u2", DType::U16},
    {"f2", DType::F16},
    {"i4", DType::I32},
    {"u4", DType::U32},
    {"f4", DType::F32},
    {"i8", DType::I64},
    {"u8", DType::U64},
    {"f8", DType::F64},
}};

DType parseDescr(const std::string& descr, const std::string& file) {
    if (descr.empty())
        throw InputError(file, "", "npy descr is empty");
    const char order = descr[0];
    const bool hasOrder = order == '<' || order == '>' || order == '|' || order == '=';
    const std::string code = hasOrder ? descr.substr(1) : descr;
    if (!code.empty() && code[0] == 'O')
        throw InputError(file, "",
                         "npy descr '" + descr + "' is an object array, refused: its data is a " +
                             "pickle, and unpickling can run arbitrary code; save a numeric " +
                             "array instead");
    auto it = std::find_if(kNpyTypes.begin(), kNpyTypes.end(),
                           [&](const NpyType& t) { return t.code == code; });
    if (it == kNpyTypes.end())
        throw InputError(file, "",
                         "npy descr '" + descr + "' is not supported (supported: bool, int8-64, " +
                             "uint8-64, float16/32/64)");
    const bool multiByte = itemSize(it->dtype) > 1;
    if (!hasOrder)
        throw InputError(file, "", "npy descr '" + descr + "' has no byte order");
    if (order == '>' && multiByte)
        throw InputError(file, "",
                         "npy descr '" + descr + "' is big-endian, which is not supported; " +
                             "save it little-endian (arr.astype(arr.dtype.newbyteorder('<')))");
    if (order == '=')
        throw InputError(file, "",
                         "npy descr '" + descr + "' has native byte order, which a " +
                             "file cannot carry");
    if (order == '|' && multiByte)
        throw InputError(file, "",
                         "npy descr '" + descr + "' marks a multi-byte type as byte-order free");
    return it->dtype;
}

std::vector<std::uint64_t> parseNpyShape(const PyValue& value, const std::string& file) {
    if (value.kind != PyValue::Kind::Tuple)
        throw InputError(file, "",
                         "npy shape is " + std::string(pyKindName(value.kind)) + ", not a tuple");
    std::vector<std::uint64_t> shape;
    for (const auto& dim : value.items) {
        if (dim.kind != PyValue::Kind::Int)
            throw InputError(file, "", "npy shape holds " + std::string(pyKindName(dim.kind)));
        if (dim.negative && dim.text.find_first_not_of('0') != std::string::npos)
            throw InputError(file, "", "npy shape has a negative dimension -" + dim.text);
        if (!dim.magnitude)
            throw InputError(file, "", "npy shape dimension " + dim.text + " exceeds 64 bits");
        shape.push_back(*dim.magnitude);
    }
    return shape;
}

} // namespace

std::uint64_t npyHeaderSize(std::span<const std::uint8_t> prefix, const std::string& file) {
    const std::size_t magicBytes = std::min(prefix.size(), kMagic.size());
    if (!std::equal(prefix.begin(), prefix.begin() + static_cast<std::ptrdiff_t>(magicBytes),
                    kMagic.begin()))
        throw InputError(file, "", "not an npy file (bad magic)");
    if (prefix.size() < 10)
        throw InputError(file, "", "file too short for an npy header");
    const unsigned major = prefix[6];
    const unsigned minor = prefix[7];
    if (major < 1 || major > 3 || minor != 0)
        throw InputError(file, "",
                         "npy version " + std::to_string(major) + "." + std::to_string(minor) +
                             " is not supported (1.0, 2.0 and 3.0 are)");
    std::uint64_t start = 10;
    std::uint64_t length = 0;
    if (major == 1) {
        length = loadLe(prefix.data() + 8, 2);
    } else {
        if (prefix.size() < 12)
            throw InputError(file, "", "file too short for an npy header");
        start = 12;
        length = loadLe(prefix.data() + 8, 4);
    }
    if (start + length > kMaxNpyHeaderBytes)
        throw InputError(file, "",
                         "npy header length " + std::to_string(length) + " exceeds the limit of " +
                             std::to_string(kMaxNpyHeaderBytes) + " bytes");
    return start + length;
}

NpyHeader parseNpyHeader(std::span<const std::uint8_t> header, const std::string& file) {
    const std::uint64_t total = npyHeaderSize(header, file);
    if (header.size() < total)
        throw InputError(file, "",
                         "npy header of " + std::to_string(total) +
                             " bytes runs past the end of the data (" +
                             std::to_string(header.size()) + " bytes)");
    const std::size_t start = header[6] == 1 ? 10 : 12;
    const std::string_view text(reinterpret_cast<const char*>(header.data()) + start,
                                static_cast<std::size_t>(total) - start);

    PyValue dict;
    try {
        dict = parsePyLiteral(text);
    } catch (const std::invalid_argument& e) {
        throw InputError(file, "", std::string("npy header is not a Python literal: ") + e.what());
    }
    if (dict.kind != PyValue::Kind::Dict)
        throw InputError(file, "",
                         "npy header is " + std::string(pyKindName(dict.kind)) + ", not a dict");

    const PyValue* descr = nullptr;
    const PyValue* fortran = nullptr;
    const PyValue* shape = nullptr;
    for (std::size_t i = 0; i + 1 < dict.items.size(); i += 2) {
        const PyValue& key = dict.items[i];
        if (key.kind != PyValue::Kind::String)
            throw InputError(file, "", "npy header has a key that is not a string");
        const PyValue** slot = key.text == "descr"           ? &descr
                               : key.text == "fortran_order" ? &fortran
                               : key.text == "shape"         ? &shape
                                                             : nullptr;
        if (!slot)
            throw InputError(file, "", "npy header has an unexpected key '" + key.text + "'");
        if (*slot)
            throw InputError(file, "", "npy header has the key '" + key.text + "' twice");
        *slot = &dict.items[i + 1];
    }
    if (!descr || !fortran || !shape)
        throw InputError(file, "", "npy header needs exactly descr, fortran_order and shape");
    if (descr->kind == PyValue::Kind::List)
        throw InputError(file, "", "npy descr is a structured dtype, which is not supported");
    if (descr->kind != PyValue::Kind::String)
        throw InputError(file, "", "npy descr is " + std::string(pyKindName(descr->kind)));
    if (fortran->kind != PyValue::Kind::Bool)
        throw InputError(file, "", "npy fortran_order is not True or False");

    NpyHeader out;
    out.dtype = parseDescr(descr->text, file);
    out.shape = parseNpyShape(*shape, file);
    out.fortranOrder = fortran->boolean;
    out.dataOffset = total;
    // Fortran and C order store the same bytes when at most one dimension exceeds 1.
    if (out.fortranOrder &&
        std::count_if(out.shape.begin(), out.shape.end(), [](auto d) { return d > 1; }) > 1)
        throw InputError(file, "",
                         "array is saved in Fortran order, which is not supported; save it in C "
                         "order (np.save(f, np.ascontiguousarray(a)))");
    auto elements = checkedElements(out.shape);
    if (!elements)
        throw InputError(file, "", "npy shape product overflows 64 bits");
    auto bytes = checkedMul(*elements, itemSize(out.dtype));
    if (!bytes)
        throw InputError(file, "", "npy byte size overflows 64 bits");
    out.bytes = *bytes;
    return out;
}

std::vector<TensorInfo> readNpyFile(const std::string& path) {
    PosixFile file(path);
    std::array<std::uint8_t, 12> prefix{};
    const auto prefixBytes = static_cast<std::size_t>(std::min<std::uint64_t>(12, file.size()));
    file.readExact(0, {prefix.data(), prefixBytes});
    const std::uint64_t headerSize = npyHeaderSize({prefix.data(), prefixBytes}, path);
    if (headerSize > file.size())
        throw InputError(path, "",
                         "npy header of " + std::to_string(headerSize) +
                             " bytes runs past the end of the file (" +
                             std::to_string(file.size()) + " bytes)");
    std::vector<std::uint8_t> header(static_cast<std::size_t>(headerSize));
    file.readExact(0, header);
    const NpyHeader parsed = parseNpyHeader(header, path);
    if (file.size() - parsed.dataOffset != parsed.bytes)
        throw InputError(path, "",
                         "npy data holds " + std::to_string(file.size() - parsed.dataOffset) +
                             " bytes but dtype and shape need " + std::to_string(parsed.bytes));
    TensorInfo info;
    info.name = std::filesystem::path(path).stem().string();
    info.dtype = parsed.dtype;
    info.shape = parsed.shape;
    info.file = path;
    info.offset = parsed.dataOffset;
    info.bytes = parsed.bytes;
    return {std::move(info)};
}

} // namespace nzc::checkpoint
