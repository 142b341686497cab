// nzcompress: dispatches to a subcommand and turns every escaping failure into one line on
// stderr and an exit code from the CLI contract (spec in docs/CLI.md).
#include "commands.h"

#include <nzcompress/errors.h>
#include <nzcompress/version.h>

#include <boost/program_options/errors.hpp>

#include <cstdio>
#include <exception>
#include <iostream>
#include <new>
#include <string_view>

namespace {

struct Command {
    std::string_view name;
    std::string_view summary;
    int (*run)(const nzc::app::Args&);
};

// The table every help screen and the dispatcher use, so the two cannot disagree.
constexpr Command kCommands[] = {
    {"codec", "compress one raw buffer with one codec call (the reference CompressWeights)",
     nzc::app::runCodecCommand},
    {"compress", "compress a checkpoint's weights into one HDF5 file (under mpirun or alone)",
     nzc::app::runCompressCommand},
    {"verify", "check an output file: every weight decodes to its checksum (and the source)",
     nzc::app::runVerifyCommand},
    {"decompress", "restore the original tensors of an output file into a safetensors file",
     nzc::app::runDecompressCommand},
    {"inspect", "show an output file's attributes and a table of its tensors",
     nzc::app::runInspectCommand},
    {"export", "write msModelSlim's W8A8SC files (safetensors) or raw .dat dumps",
     nzc::app::runExportCommand},
};

void printUsage(std::ostream& out) {
    out << "nzcompress " << nzc::kVersion
        << ": compress sparse-quantized weights (W8A8S / W16A16S) into the Ascend\n"
           "W8A8SC / W16A16SC format on CPUs, distributed over MPI ranks.\n\n"
           "usage: nzcompress <command> [options]   (nzcompress <command> --help for details)\n\n"
           "commands:\n";
    for (const auto& command : kCommands) {
        out << "  " << command.name << std::string(12 - command.name.size(), ' ') << command.summary
            << "\n";
    }
    out << "\nexit codes: 0 success, 1 internal error, 2 usage error, 3 invalid input data,\n"
           "            4 I/O error, 5 interrupted (resume with --resume)\n";
}

int fail(nzc::ExitCode code, const std::string& line) {
    std::fflush(stdout);
    std::cerr << "nzcompress: error: " << line << std::endl;
    return static_cast<int>(code);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        printUsage(std::cerr);
        return static_cast<int>(nzc::ExitCode::Usage);
    }
    const std::string_view name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        printUsage(std::cout);
        return 0;
    }
    if (name == "--version") {
        std::cout << "nzcompress " << nzc::kVersion << "\n";
        return 0;
    }
    const nzc::app::Args args(argv + 1, argv + argc);
    try {
        for (const auto& command : kCommands) {
            if (command.name == name)
                return command.run(args);
        }
        return fail(nzc::ExitCode::Usage,
                    "unknown command '" + std::string(name) + "' (see nzcompress --help)");
    } catch (const nzc::Error& error) {
        return fail(error.code(), error.what());
    } catch (const boost::program_options::error& error) {
        return fail(nzc::ExitCode::Usage, std::string(name) + ": " + error.what());
    } catch (const std::bad_alloc&) {
        return fail(nzc::ExitCode::Io, "out of memory (try a smaller --memory-budget)");
    } catch (const std::exception& error) {
        return fail(nzc::ExitCode::Internal, std::string("internal error: ") + error.what());
    }
}
