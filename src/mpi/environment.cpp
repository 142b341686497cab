// MPI start-up and shut-down, owned by one object so that every exit path finalises.
#include "check.h"

#include <cstdlib>
#include <utility>

namespace nzc::mpi {

Environment::Environment() {
    initialize(nullptr, nullptr);
}

Environment::Environment(int* argc, char*** argv) {
    initialize(argc, argv);
}

void Environment::initialize(int* argc, char*** argv) {
    if (isInitialized()) {
        // Someone else (a test main) owns MPI: use it, leave finalisation to them.
        detail::checkMpi(MPI_Query_thread(&threadLevel_), "MPI_Query_thread");
        return;
    }
    // A rank runs threads of its own next to the one that calls MPI. Open MPI's blocking calls
    // poll at full speed, taking the core from those threads (and from other ranks' on the
    // node) while they wait; let them yield instead. A value the user set is kept.
    ::setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
    // FUNNELED: only the main thread calls MPI, though worker threads may exist.
    detail::checkMpi(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &threadLevel_),
                     "MPI_Init_thread");
    owns_ = true;
    // Errors on the world communicator come back as codes, so they can become exceptions.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

Environment::~Environment() {
    if (owns_ && isInitialized())
        MPI_Finalize();
}

Environment::Environment(Environment&& other) noexcept
    : owns_(std::exchange(other.owns_, false)), threadLevel_(other.threadLevel_) {}

Environment& Environment::operator=(Environment&& other) noexcept {
    if (this != &other) {
        if (owns_ && isInitialized())
            MPI_Finalize();
        owns_ = std::exchange(other.owns_, false);
        threadLevel_ = other.threadLevel_;
    }
    return *this;
}

bool Environment::isInitialized() {
    int initialized = 0;
    int finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    return initialized != 0 && finalized == 0;
}

} // namespace nzc::mpi
