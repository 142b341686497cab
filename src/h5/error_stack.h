// HDF5's error stack turned into exceptions. Internal to the h5 module.
#pragma once

#include <hdf5.h>

#include <string>

namespace nzc::h5::detail {

/// Stops HDF5 printing its error stack to stderr (once per process); we report it ourselves.
void silenceHdf5();

/// The current HDF5 error stack as one line (innermost causes last), then clears it.
std::string takeErrorStack();

/// Throws IoError(file, what + ": " + HDF5's stack). Never returns.
[[noreturn]] void fail(const std::string& file, const std::string& what);

/// Returns `id` if valid, else fail(file, what).
inline hid_t checkId(hid_t id, const std::string& file, const std::string& what) {
    if (id < 0)
        fail(file, what);
    return id;
}

/// Fails unless status >= 0.
inline void checkStatus(herr_t status, const std::string& file, const std::string& what) {
    if (status < 0)
        fail(file, what);
}

} // namespace nzc::h5::detail
