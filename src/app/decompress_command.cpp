// `nzcompress decompress OUT.h5 --output RESTORED.safetensors [--tensor NAME ...] [--force]`:
// turns an output file back into the checkpoint it was made from, one tensor at a time.
#include "atomic_file.h"
#include "command_line.h"
#include "commands.h"
#include "output_reader.h"
#include "safetensors_writer.h"

#include <nzcompress/errors.h>

#include <iostream>
#include <set>

namespace nzc::app {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: nzcompress decompress OUT.h5 --output RESTORED.safetensors [--tensor NAME ...]\n"
    "                             [--force]\n\n"
    "Restores the tensors of an nzcompress output into one safetensors file: compressed and\n"
    "disabled weights are decoded back to their original dtype and shape (and turned back if\n"
    "they were transposed), passthrough tensors are copied unchanged. Each weight's decoded\n"
    "bytes are checked against the recorded nz_xxh3_64 before they are written. Weights\n"
    "compressed with --pseudo-sparse come back as the sparsified weights that were compressed\n"
    "(the zeroed elements are not recoverable). Tensors are ordered by element size, then by\n"
    "name. The file is written under a temporary name and renamed when complete; an existing\n"
    "file is replaced only with --force. The input file must be complete.\n\n"
    "exit codes: 0 written, 2 bad flags, an unknown --tensor or an existing output without\n"
    "--force, 3 not an nzcompress file, incomplete or damaged data, 4 cannot read or write\n\n"
    "options";

} // namespace

int runDecompressCommand(const Args& args) {
    std::string output;
    std::vector<std::string> names;
    bool force = false;
    po::options_description flags(kUsage);
    flags.add_options()("help,h", po::bool_switch(), "show this help")(
        "output", po::value(&output)->required(), "the safetensors file to write")(
        "tensor", po::value(&names)->composing(),
        "restore only this tensor (repeatable; default: every tensor)")(
        "force", po::bool_switch(&force), "replace an existing output file");
    po::variables_map values;
    std::string file;
    if (!parseCommandLine(args, "decompress", flags, values, file))
        return 0;
    refuseExisting(output, force); // before any work

    const OutputReader reader = OutputReader::open(file, true);
    std::vector<const StoredTensor*> chosen;
    if (names.empty()) {
        for (const StoredTensor& t : reader.tensors())
            chosen.push_back(&t);
    } else {
        std::set<std::string> seen;
        for (const std::string& name : names) {
            const StoredTensor* t = reader.find(name);
            if (t == nullptr)
                throw UsageError("decompress: --tensor '" + name + "': no such tensor in " + file +
                                 " (see nzcompress inspect)");
            if (seen.insert(name).second)
                chosen.push_back(t);
        }
    }
    std::vector<SafetensorsEntry> entries;
    for (const StoredTensor* t : chosen) {
        reader.requireSound(*t);
        entries.push_back({t->name, t->dtype, t->shape, t->originalBytes(),
                           [&reader, t] { return reader.restore(*t); }});
    }
    const std::uint64_t bytes =
        writeSafetensors(output, std::move(entries), {{"format", "pt"}}, force);
    std::cout << output << ": " << chosen.size() << " tensors, " << bytes << " bytes of data\n";
    return 0;
}

} // namespace nzc::app
