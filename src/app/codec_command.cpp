// `nzcompress codec`: one codec call on a raw buffer, the CPU twin of the reference
// CompressWeights. Useful to check the codec against vendor vectors by hand.
#include "binary_files.h"
#include "commands.h"

#include <nzcompress/codec.h>
#include <nzcompress/errors.h>

#include <boost/program_options.hpp>

#include <iostream>

namespace nzc::app {

namespace po = boost::program_options;

int runCodecCommand(const Args& args) {
    std::string input;
    std::string weightOut;
    std::string indexOut;
    std::size_t fractalSize = 0;
    int compressType = -1;
    std::uint64_t initOffset = 0;
    po::options_description options(
        "usage: nzcompress codec --input RAW.bin --fractal-size L --compress-type 0|1\n"
        "                        [--init-offset BYTES] --weight-out W.bin --index-out I.bin\n\n"
        "Compresses one raw buffer with one codec call (mode A: 4 engines, max ratio 64, tight\n"
        "index), exactly as the reference CompressWeights does, and writes the compressed bytes\n"
        "and the index (8 bytes per fractal). The input size must be a multiple of the fractal\n"
        "size.\n\noptions");
    options.add_options()("help,h", "show this help")("input", po::value(&input)->required(),
                                                      "raw input buffer")(
        "fractal-size", po::value(&fractalSize)->required(),
        "bytes per fractal: a multiple of 512, at most 32768")(
        "compress-type", po::value(&compressType)->required(),
        "0 = low-sparse (W8A8S), 1 = high-sparse (W16A16S)")(
        "init-offset", po::value(&initOffset)->default_value(0),
        "compressed bytes already written before this call (shifts the index offsets)")(
        "weight-out", po::value(&weightOut)->required(), "file for the compressed bytes")(
        "index-out", po::value(&indexOut)->required(),
        "file for the index")("force", "overwrite existing output files");
    po::variables_map values;
    po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                  .options(options)
                  .run(),
              values);
    if (values.count("help")) {
        std::cout << options << "\n";
        return 0;
    }
    po::notify(values);
    if (compressType != 0 && compressType != 1)
        throw UsageError("codec: --compress-type must be 0 or 1, not " +
                         std::to_string(compressType));
    codec::CodecConfig config;
    config.fractalSize = fractalSize;
    config.type = static_cast<codec::CompressType>(compressType);
    config.initOffset = initOffset;
    if (fractalSize == 0 || fractalSize % codec::kFractalUnit != 0 ||
        fractalSize > codec::kMaxFractalSize)
        throw UsageError("codec: --fractal-size " + std::to_string(fractalSize) +
                         " is not a multiple of 512 between 512 and 32768");
    const bool force = values.count("force") != 0;

    const auto bytes = readBinaryFile(input);
    if (bytes.empty() || bytes.size() % fractalSize != 0)
        throw InputError(input, "",
                         "size " + std::to_string(bytes.size()) +
                             " bytes is not a non-zero multiple of the fractal "
                             "size " +
                             std::to_string(fractalSize));
    std::vector<std::uint8_t> weight;
    std::vector<std::uint8_t> index;
    const std::size_t compressed = codec::compress(bytes, config, weight, index);
    writeBinaryFile(weightOut, weight, force);
    writeBinaryFile(indexOut, index, force);
    std::cout << input << ": " << bytes.size() << " -> " << compressed << " bytes in "
              << index.size() / codec::kIndexEntryBytes << " fractals\n";
    return 0;
}

} // namespace nzc::app
