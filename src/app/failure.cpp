// Agreement on failure across ranks.
#include "failure.h"

#include <nzcompress/mpi.h>

#include <iostream>
#include <new>

namespace nzc::app {

void Failure::capture() {
    if (failed())
        return;
    try {
        throw;
    } catch (const Error& error) {
        code = static_cast<int>(error.code());
        message = error.what();
    } catch (const std::bad_alloc&) {
        code = static_cast<int>(ExitCode::Io);
        message = "out of memory (try a smaller --memory-budget)";
    } catch (const std::exception& error) {
        code = static_cast<int>(ExitCode::Internal);
        message = std::string("internal error: ") + error.what();
    }
}

void printError(const std::string& message) {
    std::cout.flush();
    std::cerr << "nzcompress: error: " << message << std::endl;
}

int agreeOnFailure(const mpi::Comm& comm, const Failure& failure) {
    // Ranks reach an agreement at different times (a rank with more work, a slower disk):
    // wait for all of them without spinning, so that a waiting rank leaves its core to the
    // computing threads of its node, then exchange the codes.
    comm.ibarrier().wait();
    const std::vector<int> codes = comm.allgather(failure.code);
    for (std::size_t rank = 0; rank < codes.size(); ++rank) {
        if (codes[rank] == 0)
            continue;
        if (static_cast<int>(rank) == comm.rank()) {
            printError(comm.size() > 1 ? "rank " + std::to_string(rank) + ": " + failure.message
                                       : failure.message);
        }
        return codes[rank];
    }
    return 0;
}

} // namespace nzc::app
