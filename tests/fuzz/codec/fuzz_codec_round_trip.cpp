// libFuzzer target: compress then decompress gives back any input, for both compress types
// and every fractal size. Byte 0 picks the type and fractal size; the rest is the data,
// repeated to fill whole fractals.
#include <nzcompress/codec.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace nzc::codec;
    if (size < 2)
        return 0;
    const CodecConfig config{kFractalUnit * (1 + ((data[0] >> 1) % 64)),
                             (data[0] & 1) ? CompressType::High : CompressType::Low, size};
    const std::uint8_t* payload = data + 1;
    const std::size_t payloadSize = size - 1;
    const std::size_t fractals = 1 + payloadSize / config.fractalSize;
    std::vector<std::uint8_t> input(fractals * config.fractalSize);
    for (std::size_t i = 0; i < input.size(); ++i)
        input[i] = i < payloadSize ? payload[i] : 0; // sparse tail, as weights have
    std::vector<std::uint8_t> weight;
    std::vector<std::uint8_t> index;
    compress(input, config, weight, index);
    std::vector<std::uint8_t> restored(input.size());
    decompress(weight, index, config, restored);
    if (restored != input)
        std::abort();
    return 0;
}
