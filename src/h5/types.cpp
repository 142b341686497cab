// safetensors dtypes as HDF5 types. HDF5 1.10 has no predefined 16-bit floats, so F16 and
// BF16 are built from IEEE F32 with their own bit fields (what h5py does for float16).
#include "types.h"

#include "error_stack.h"

#include <stdexcept>

namespace nzc::h5::detail {
namespace {

Handle makeFloat16(std::size_t exponentBits, std::size_t mantissaBits, std::size_t bias) {
    Handle type(H5Tcopy(H5T_IEEE_F32LE), Handle::Kind::Datatype);
    const hid_t id = type.get();
    const std::size_t signPos = exponentBits + mantissaBits;
    // Shrinking the precision first lets H5Tset_size accept 2 bytes.
    if (H5Tset_fields(id, signPos, mantissaBits, exponentBits, 0, mantissaBits) < 0 ||
        H5Tset_precision(id, 16) < 0 || H5Tset_size(id, 2) < 0 || H5Tset_ebias(id, bias) < 0)
        fail("", "cannot build a 16-bit float type");
    return type;
}

Handle copyOf(hid_t predefined) {
    return Handle(H5Tcopy(predefined), Handle::Kind::Datatype);
}

} // namespace

Handle makeType(std::string_view dtype) {
    if (dtype == "I8")
        return copyOf(H5T_STD_I8LE);
    if (dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2")
        return copyOf(H5T_STD_U8LE);
    if (dtype == "I16")
        return copyOf(H5T_STD_I16LE);
    if (dtype == "U16")
        return copyOf(H5T_STD_U16LE);
    if (dtype == "I32")
        return copyOf(H5T_STD_I32LE);
    if (dtype == "U32")
        return copyOf(H5T_STD_U32LE);
    if (dtype == "I64")
        return copyOf(H5T_STD_I64LE);
    if (dtype == "U64")
        return copyOf(H5T_STD_U64LE);
    if (dtype == "F32")
        return copyOf(H5T_IEEE_F32LE);
    if (dtype == "F64")
        return copyOf(H5T_IEEE_F64LE);
    if (dtype == "F16")
        return makeFloat16(5, 10, 15);
    if (dtype == "BF16")
        return makeFloat16(8, 7, 127);
    throw std::invalid_argument("no HDF5 type for dtype '" + std::string(dtype) + "'");
}

} // namespace nzc::h5::detail

namespace nzc::h5 {

std::size_t elementSize(std::string_view dtype) {
    if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" ||
        dtype == "F8_E5M2")
        return 1;
    if (dtype == "I16" || dtype == "U16" || dtype == "F16" || dtype == "BF16")
        return 2;
    if (dtype == "I32" || dtype == "U32" || dtype == "F32")
        return 4;
    if (dtype == "I64" || dtype == "U64" || dtype == "F64")
        return 8;
    throw std::invalid_argument("unknown dtype '" + std::string(dtype) + "'");
}

} // namespace nzc::h5
