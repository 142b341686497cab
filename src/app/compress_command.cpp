// `nzcompress compress`: flags (the CLI contract's compress table), MPI start-up, logging with
// the rank in the pattern, then the pipeline. Errors are printed here by one rank only, so
// this command returns its exit code instead of throwing to main.
#include "byte_size.h"
#include "commands.h"
#include "compress_options.h"
#include "compress_pipeline.h"
#include "failure.h"
#include "stop_signals.h"

#include <nzcompress/errors.h>
#include <nzcompress/mpi.h>
#include <nzcompress/plan.h>
#include <nzcompress/sparse.h>

#include <boost/program_options.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <malloc.h>
#include <sstream>

namespace nzc::app {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: mpirun -n N nzcompress compress --input PATH [--input PATH ...] --output OUT.h5\n"
    "                                       [options]\n\n"
    "Compresses the selected weights of a checkpoint into the Ascend W8A8SC / W16A16SC format\n"
    "and writes one HDF5 file together with every other rank. Runs with any number of ranks,\n"
    "or without mpirun as one rank. The file is written as OUT.h5.partial and renamed to\n"
    "OUT.h5 only when complete; an interrupted run continues with --resume.\n\noptions";

// Flags as given; byte sizes and lists are parsed after Boost has checked the syntax.
struct RawFlags {
    std::vector<std::string> disableLayers;
    std::string disableLayersFile;
    std::string memoryBudget = "2GiB";
    std::string logLevel = "info";
    bool quiet = false;
    bool help = false;
};

po::options_description describeFlags(CompressOptions& o, RawFlags& raw) {
    po::options_description flags(kUsage);
    flags.add_options()("help,h", po::bool_switch(&raw.help), "show this help")(
        "input", po::value(&o.inputs)->composing(),
        "a .safetensors file, a sharded checkpoint folder or its *.safetensors.index.json, "
        "a .npy file, a folder of .npy files, or a .npz (repeatable)")(
        "description", po::value(&o.description),
        "quant description JSON: W8A8S weights -> low, W16A16S -> high; without it every 2-D "
        "int8 *.weight without 'norm' is compressed")("output", po::value(&o.output),
                                                      "the HDF5 file all ranks write")(
        "pseudo-sparse", po::bool_switch(&o.pseudoSparse),
        "zero elements at random before compression (do_pseudo_sparse)")(
        "sparse-ratio", po::value(&o.sparseRatio)->default_value(1.0),
        "fraction of elements kept by --pseudo-sparse, 0..1")(
        "seed", po::value(&o.seed)->default_value(sparse::kDefaultSeed),
        "seed of the pseudo-sparse draw (depends on seed, tensor name, element only)")(
        "transpose", po::bool_switch(&o.transpose), "transpose weights first (weight_transpose)")(
        "disable-layers", po::value(&raw.disableLayers)->composing(),
        "NAME[,NAME...]: store these weights as uncompressed Nz (compress_disable_layers)")(
        "disable-layers-file", po::value(&raw.disableLayersFile),
        "file with one --disable-layers name per line")(
        "compress-type", po::value(&o.compressType)->default_value("auto"),
        "auto|low|high: auto is low for W8A8S / int8, high for W16A16S / fp16")(
        "debug", po::bool_switch(&o.debug),
        "print the per-tensor ratio table and the final ratio (is_debug)")(
        "report", po::value(&o.report), "write the per-tensor report as JSON to this file")(
        "progress", po::value(&o.progressSeconds)->default_value(0),
        "print progress every SECONDS on rank 0 (0 = off)")(
        "resume", po::bool_switch(&o.resume), "continue an interrupted run into the same OUT.h5")(
        "memory-budget", po::value(&raw.memoryBudget)->default_value("2GiB"),
        "per-rank bound on tensor data held at once (512MiB, 4GiB, ...)")(
        "read-ahead", po::value(&o.readAhead)->default_value("auto"),
        "auto|yes|no: read the next tensor on a thread of its own while one is compressed; "
        "auto does when the node has a core to spare for it (at least 2 cores per rank)")(
        "force", po::bool_switch(&o.force),
        "replace an existing OUT.h5 (once the new one is "
        "complete)")("dry-run", po::bool_switch(&o.dryRun),
                     "validate the input and print what would be done, write nothing")(
        "log-level", po::value(&raw.logLevel)->default_value("info"),
        "trace, debug, info, warn, error, off")("quiet", po::bool_switch(&raw.quiet),
                                                "only errors");
    return flags;
}

void checkFlags(CompressOptions& o, const RawFlags& raw) {
    if (o.inputs.empty())
        throw UsageError("compress: --input is required");
    if (o.output.empty() && !o.dryRun)
        throw UsageError("compress: --output is required (unless --dry-run)");
    if (o.resume && o.force)
        throw UsageError("compress: --resume and --force exclude each other");
    if (!(o.sparseRatio >= 0.0 && o.sparseRatio <= 1.0))
        throw UsageError("compress: --sparse-ratio must be between 0 and 1");
    if (!(o.progressSeconds >= 0.0))
        throw UsageError("compress: --progress must be 0 or more seconds");
    plan::parseCompressChoice(o.compressType);
    for (const std::string& item : raw.disableLayers) {
        for (std::string& name : plan::splitLayerList(item))
            o.disableLayers.push_back(std::move(name));
    }
    if (!raw.disableLayersFile.empty()) {
        for (std::string& name : plan::readLayerFile(raw.disableLayersFile))
            o.disableLayers.push_back(std::move(name));
    }
    if (o.readAhead != "auto" && o.readAhead != "yes" && o.readAhead != "no")
        throw UsageError("compress: --read-ahead must be auto, yes or no (not '" + o.readAhead +
                         "')");
    o.memoryBudget = parseByteSize(raw.memoryBudget, "--memory-budget");
    if (o.memoryBudget == 0)
        throw UsageError("compress: --memory-budget must be positive");
}

// spdlog on stderr with the rank in every line; rank 0 at the asked level, others at warn
// or above so that N ranks do not print N copies of every message.
void setUpLogging(const RawFlags& raw, int rank) {
    auto level = spdlog::level::from_str(raw.logLevel);
    if (raw.quiet)
        level = spdlog::level::err;
    if (rank != 0)
        level = std::max(level, spdlog::level::warn);
    auto logger = spdlog::stderr_logger_mt("nzcompress");
    logger->set_pattern("[%H:%M:%S.%e] [rank " + std::to_string(rank) + "] [%l] %v");
    logger->set_level(level);
    spdlog::set_default_logger(logger);
}

// Tensor buffers of tens of megabytes come and go for every tensor. By default glibc hands
// each back to the kernel when freed and the next one is faulted in page by page again: on a
// 1 GiB checkpoint that was 180k page faults and most of the run's system time. Keeping freed
// memory in the heap for the next tensor avoids it; the plan already bounds what is held.
void keepFreedMemoryForReuse() {
    mallopt(M_MMAP_MAX, 0); // every block from the heap, where a freed one is reused
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    // One heap for all threads: the worker allocates what the writer frees, and a thread's
    // own arena would give its memory back (and fault it in again) round after round.
    mallopt(M_ARENA_MAX, 1);
}

} // namespace

int runCompressCommand(const Args& args) {
    keepFreedMemoryForReuse();
    mpi::Environment environment;
    const mpi::Comm world = mpi::Comm::world();
    CompressOptions options;
    RawFlags raw;
    try {
        const po::options_description flags = describeFlags(options, raw);
        po::variables_map values;
        po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                      .options(flags)
                      .run(),
                  values);
        po::notify(values);
        if (raw.help) {
            if (world.isRoot())
                std::cout << flags << "\n";
            return 0;
        }
        if (spdlog::level::from_str(raw.logLevel) == spdlog::level::off && raw.logLevel != "off")
            throw UsageError("compress: unknown --log-level '" + raw.logLevel + "'");
        checkFlags(options, raw);
    } catch (const po::error& error) {
        // Every rank parses the same arguments and fails the same way: rank 0 speaks.
        if (world.isRoot())
            printError(std::string("compress: ") + error.what());
        return static_cast<int>(ExitCode::Usage);
    } catch (const Error& error) {
        if (world.isRoot())
            printError(error.what());
        return static_cast<int>(error.code());
    }
    setUpLogging(raw, world.rank());
    installStopSignals();
    return runCompressPipeline(options, world);
}

} // namespace nzc::app
