// The compress pipeline over MPI ranks: rank 0 plans, every rank compresses its tensors and
// writes them into one parallel HDF5 file, rank 0 reports and publishes the file.
#pragma once

#include "compress_options.h"

namespace nzc::mpi {
class Comm;
}

namespace nzc::app {

/// Runs a compress job. Returns the exit code (the same on every rank); the one error line
/// of a failed job has been printed by one rank. *Collective* over `world`.
int runCompressPipeline(const CompressOptions& options, const mpi::Comm& world);

} // namespace nzc::app
