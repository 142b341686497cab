// Mapping between safetensors dtype spellings and HDF5 datatypes. Internal to the h5 module.
#pragma once

#include <nzcompress/h5.h>

#include <hdf5.h>

namespace nzc::h5::detail {

/// A new datatype handle for `dtype` (little endian); throws std::invalid_argument for an
/// unknown spelling.
Handle makeType(std::string_view dtype);

} // namespace nzc::h5::detail
