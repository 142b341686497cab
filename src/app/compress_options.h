// The options of `nzcompress compress`, parsed from the command line (compress_command.cpp)
// and used by the pipeline (compress_pipeline.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nzc::app {

struct CompressOptions {
    std::vector<std::string> inputs;
    std::string description; ///< quant description path, empty if none
    std::string output;      ///< OUT.h5; the run writes OUT.h5.partial, then renames it
    bool pseudoSparse = false;
    double sparseRatio = 1.0;
    std::uint64_t seed = 0;
    bool transpose = false;
    std::vector<std::string> disableLayers; ///< from --disable-layers and --disable-layers-file
    std::string compressType = "auto";
    bool debug = false;
    std::string report; ///< --report JSON path, empty if none
    double progressSeconds = 0;
    bool resume = false;
    std::uint64_t memoryBudget = std::uint64_t{2} << 30;
    std::string readAhead = "auto"; ///< auto | yes | no: read the next tensor on another thread
    bool force = false;
    bool dryRun = false;
};

/// The suffix of the file a run writes before it is complete.
inline constexpr const char* kPartialSuffix = ".partial";

} // namespace nzc::app
