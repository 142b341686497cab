// Turns an MPI return code into MpiError with the call's name and MPI's message. Internal to
// the mpi module.
#pragma once

#include <nzcompress/mpi.h>

#include <mpi.h>

namespace nzc::mpi::detail {

/// Throws MpiError(call, MPI's error string) unless code is MPI_SUCCESS. Local.
inline void checkMpi(int code, const char* call) {
    if (code == MPI_SUCCESS)
        return;
    char text[MPI_MAX_ERROR_STRING] = {};
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS)
        length = 0;
    throw MpiError(call, length > 0 ? std::string(text, static_cast<std::size_t>(length))
                                    : "error code " + std::to_string(code));
}

inline MPI_Comm toComm(int handle) {
    return MPI_Comm_f2c(handle);
}

} // namespace nzc::mpi::detail
