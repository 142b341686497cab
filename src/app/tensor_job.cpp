// The per-tensor pipeline.
#include "tensor_job.h"

#include <nzcompress/errors.h>
#include <nzcompress/layout.h>
#include <nzcompress/sparse.h>

#include <fmt/format.h>
#include <sys/stat.h>
#include <xxhash.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <thread>

namespace nzc::app {
namespace {

// Rank 0 checked every header against its file's size before the run; a read that comes up
// short now means the file shrank since (a shard truncated or being rewritten): bad input,
// not a failing device, so it gets the input's exit code and names what is missing.
void readTensor(const checkpoint::Checkpoint& checkpoint, const checkpoint::TensorInfo& tensor,
                std::span<std::uint8_t> out) {
    try {
        checkpoint.read(tensor, 0, out);
    } catch (const IoError&) {
        struct stat info {};
        const std::uint64_t end = tensor.offset + tensor.bytes;
        if (tensor.member.empty() && ::stat(tensor.file.c_str(), &info) == 0 &&
            static_cast<std::uint64_t>(info.st_size) < end)
            throw InputError(tensor.file, tensor.name,
                             fmt::format("the file is truncated: the tensor's data end at byte "
                                         "{} but the file now has {} bytes (was it changed "
                                         "while the run was going on?)",
                                         end, static_cast<std::uint64_t>(info.st_size)));
        throw;
    }
}

/// The rank's buffer for the tensor being read, reused from tensor to tensor and grown to the
/// largest: a fresh, zero-filled buffer per tensor cost a page fault per 4 KiB read, the
/// largest part of a run's system time on large weights.
std::span<std::uint8_t> readBuffer(std::size_t bytes) {
    thread_local std::unique_ptr<std::uint8_t[]> buffer;
    thread_local std::size_t capacity = 0;
    if (capacity < bytes) {
        buffer.reset();
        buffer = std::make_unique_for_overwrite<std::uint8_t[]>(bytes);
        capacity = bytes;
    }
    return {buffer.get(), bytes};
}

/// xxh3-64 of the Nz layout of `matrix`, fed block by block in Nz order: the same value as
/// hashing toNz(matrix) in one piece.
std::uint64_t nzChecksumOf(std::span<const std::uint8_t> matrix, layout::ByteShape shape) {
    const std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                         &XXH3_freeState);
    if (!state || XXH3_64bits_reset(state.get()) != XXH_OK)
        throw std::bad_alloc();
    layout::forEachNzBlock(matrix, shape,
                           [&](std::span<const std::uint8_t, layout::kBlockBytes> b) {
                               XXH3_64bits_update(state.get(), b.data(), b.size());
                           });
    return XXH3_64bits_digest(state.get());
}

} // namespace

TensorOutput runTensorJob(const plan::Plan& plan, std::size_t planIndex,
                          const checkpoint::Checkpoint& checkpoint, const JobSettings& settings) {
    const auto begin = std::chrono::steady_clock::now();
    const plan::TensorPlan& entry = plan.tensors[planIndex];
    const checkpoint::TensorInfo& tensor = entry.tensor;
    // Test hook: the reliability tests make one tensor fail on whichever rank owns it.
    if (const char* failing = std::getenv("NZCOMPRESS_TEST_FAIL_TENSOR");
        failing != nullptr && tensor.name == failing)
        throw InputError(tensor.file, tensor.name,
                         "failure injected by NZCOMPRESS_TEST_FAIL_TENSOR");
    // Test hook: the signal tests slow every tensor down to interrupt a run mid-way.
    if (const char* delay = std::getenv("NZCOMPRESS_TEST_TENSOR_DELAY_MS"))
        std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(delay)));
    TensorOutput out;
    out.planIndex = planIndex;
    if (entry.action == plan::Action::Passthrough) {
        out.weight.resize(tensor.bytes);
        readTensor(checkpoint, tensor, out.weight);
        out.nzChecksum = XXH3_64bits(out.weight.data(), out.weight.size()); // of the copy
    } else {
        const std::span<std::uint8_t> raw = readBuffer(tensor.bytes);
        readTensor(checkpoint, tensor, raw);
        try {
            const std::size_t item = checkpoint::itemSize(tensor.dtype);
            if (settings.pseudoSparse)
                sparse::applyPseudoSparse(raw, item, settings.sparseRatio, settings.seed,
                                          tensor.name);
            const layout::NdWeight nd{raw, tensor.shape[0], tensor.shape[1], item,
                                      settings.transpose};
            const layout::ByteShape shape = layout::byteShapeOf(nd);
            // The byte matrix the Nz layout is made of: the weight, or its transpose.
            std::vector<std::uint8_t> turned;
            if (settings.transpose)
                turned = layout::transposeElements(raw, nd.rows, nd.cols, item);
            const std::span<const std::uint8_t> matrix = settings.transpose ? turned : raw;
            const layout::NzShape nzShape = layout::nzShapeOf(shape);
            out.nzShape = {static_cast<std::int64_t>(nzShape.k1),
                           static_cast<std::int64_t>(nzShape.n1),
                           static_cast<std::int64_t>(layout::kBlockRows),
                           static_cast<std::int64_t>(layout::kBlockCols)};
            if (entry.action == plan::Action::Disable) {
                std::vector<std::uint8_t> nz = layout::toNz(matrix, shape);
                out.nzChecksum = XXH3_64bits(nz.data(), nz.size());
                out.info = layout::infoOf(shape);
                out.weight = std::move(nz);
            } else {
                // Tiles are gathered straight from the matrix and the checksum of the Nz bytes
                // is streamed from it too: no full Nz copy (it cost ~20% of the codec's time).
                out.nzChecksum = nzChecksumOf(matrix, shape);
                layout::CompressedWeight compressed = layout::compressWeight(
                    {matrix, shape.rows, shape.rowBytes, 1, false}, entry.type);
                out.weight = std::move(compressed.weight);
                out.index = std::move(compressed.index);
                out.info = compressed.info;
            }
        } catch (const std::invalid_argument& error) {
            // LayoutError, CodecError and the sparse module's argument checks.
            throw InputError(tensor.file, tensor.name, error.what());
        }
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    return out;
}

} // namespace nzc::app
