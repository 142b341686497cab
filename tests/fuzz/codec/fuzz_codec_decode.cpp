// libFuzzer target: the decoder on arbitrary bytes must either decode or throw DecodeError,
// never read or write outside its buffers (AddressSanitizer) or hang.
// Input layout: byte 0 picks the mode, the compress type and the fractal size; byte 1 the
// fractal count. Raw mode splits the rest into index and weight bytes as they come. Damage
// mode compresses the rest first and then flips the bytes named by its tail, which reaches
// far deeper into the packet decoder than random bytes do.
#include <nzcompress/codec.h>

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace nzc::codec;
    if (size < 2)
        return 0;
    const bool damageMode = (data[0] & 1) != 0;
    const CodecConfig config{kFractalUnit * (1 + ((data[0] >> 2) % 8)),
                             (data[0] & 2) ? CompressType::High : CompressType::Low,
                             static_cast<std::uint64_t>(data[1]) * 37};
    const std::size_t fractals = 1 + data[1] % 4;
    std::vector<std::uint8_t> output(fractals * config.fractalSize);
    std::vector<std::uint8_t> weight;
    std::vector<std::uint8_t> index;
    data += 2;
    size -= 2;
    if (damageMode) {
        std::vector<std::uint8_t> input(output.size(), 0);
        const std::size_t payload = size / 2;
        for (std::size_t i = 0; i < payload; ++i)
            input[i % input.size()] = data[i];
        compress(input, config, weight, index);
        for (std::size_t i = payload; i + 1 < size; i += 2) {
            const std::size_t where =
                (std::size_t{data[i]} * 131 + i) % (weight.size() + index.size());
            if (where < weight.size())
                weight[where] ^= data[i + 1];
            else
                index[where - weight.size()] ^= data[i + 1];
        }
    } else {
        const std::size_t indexBytes = std::min(size, fractals * kIndexEntryBytes);
        index.assign(data, data + indexBytes);
        weight.assign(data + indexBytes, data + size);
    }
    try {
        decompress(weight, index, config, output);
    } catch (const DecodeError&) {
    }
    return 0;
}
