// Errors that all ranks agree on: each rank records its own failure (or none), then at an
// agreed point every rank learns whether any failed, and the first failing rank prints the
// one message of the job. No rank unwinds alone through a collective.
#pragma once

#include <nzcompress/errors.h>

#include <exception>
#include <string>

namespace nzc::mpi {
class Comm;
}

namespace nzc::app {

/// One rank's failure, or none (code 0).
struct Failure {
    int code = 0;
    std::string message; ///< the line without the "nzcompress: error: " prefix

    bool failed() const noexcept { return code != 0; }
    /// Records the exception being handled (call inside a catch block). Keeps the first one.
    void capture();
};

/// Prints "nzcompress: error: <message>" on stderr. Local.
void printError(const std::string& message);

/// Agrees on failure: returns 0 if no rank failed, else the exit code of the lowest failing
/// rank, after that rank printed its message (prefixed with its rank when there are several).
/// *Collective*.
int agreeOnFailure(const mpi::Comm& comm, const Failure& failure);

} // namespace nzc::app
