// DType names and sizes, and TensorInfo::elements.
#include "checked_math.h"
#include "nzcompress/checkpoint.h"
#include "nzcompress/errors.h"

#include <array>
#include <utility>

namespace nzc::checkpoint {
namespace {

struct DTypeRow {
    DType dtype;
    std::string_view name;
    std::size_t size;
};

constexpr std::array<DTypeRow, 15> kDTypes{{
    {DType::Bool, "BOOL", 1},
    {DType::U8, "U8", 1},
    {DType::I8, "I8", 1},
    {DType::I16, "I16", 2},
    {DType::U16, "U16", 2},
    {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},
    {DType::I32, "I32", 4},
    {DType::U32, "U32", 4},
    {DType::F32, "F32", 4},
    {DType::F64, "F64", 8},
    {DType::I64, "I64", 8},
    {DType::U64, "U64", 8},
    {DType::F8_E4M3, "F8_E4M3", 1},
    {DType::F8_E5M2, "F8_E5M2", 1},
}};

const DTypeRow& rowOf(DType dtype) {
    for (const auto& row : kDTypes)
        if (row.dtype == dtype)
            return row;
    // Only reachable through a cast of an out-of-range integer: a bug, not bad input.
    throw std::logic_error("invalid DType value " + std::to_string(static_cast<int>(dtype)));
}

} // namespace

std::size_t itemSize(DType dtype) {
    return rowOf(dtype).size;
}

std::string_view dtypeName(DType dtype) {
    return rowOf(dtype).name;
}

std::optional<DType> parseDType(std::string_view name) {
    for (const auto& row : kDTypes)
        if (row.name == name)
            return row.dtype;
    return std::nullopt;
}

std::uint64_t TensorInfo::elements() const {
    auto n = checkedElements(shape);
    if (!n)
        throw InputError(file, name, "shape product overflows 64 bits");
    return *n;
}

} // namespace nzc::checkpoint
