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

/// xxh3-64 of the Nz layout of `matrix`, fed block column by block column in Nz order: the same
/// value as hashing toNz(matrix) in one piece.
std::uint64_t nzChecksumOf(std::span<const std::uint8_t> matrix, layout::ByteShape shape) {
    const std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                         &XXH3_freeState);
    if (!state || XXH3_64bits_reset(state.get()) != XXH_OK)
        throw std::bad_alloc();
    layout::forEachNzColumn(matrix, shape, [&](std::span<const std::uint8_t> column) {
        XXH3_64bits_update(state.get(), column.data(), column.size());
    });
    return XXH3_64bits_digest(state.get());
}

} // namespace

LoadedTensor loadTensor(const plan::Plan& plan, std::size_t planIndex,
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
    LoadedTensor loaded;
    loaded.planIndex = planIndex;
    if (entry.action == plan::Action::Passthrough) {
        loaded.passthrough.resize(tensor.bytes);
        readTensor(checkpoint, tensor, loaded.passthrough);
        loaded.checksum = XXH3_64bits(loaded.passthrough.data(), loaded.passthrough.size());
    } else {
        // Not zero-filled: the read overwrites every byte, and the freed buffer of the
        // previous tensor is reused from the heap without new page faults.
        loaded.raw = std::make_unique_for_overwrite<std::uint8_t[]>(tensor.bytes);
        loaded.rawBytes = tensor.bytes;
        const std::span<std::uint8_t> raw(loaded.raw.get(), loaded.rawBytes);
        readTensor(checkpoint, tensor, raw);
        try {
            const std::size_t item = checkpoint::itemSize(tensor.dtype);
            if (settings.pseudoSparse)
                sparse::applyPseudoSparse(raw, item, settings.sparseRatio, settings.seed,
                                          tensor.name);
            const layout::NdWeight nd{raw, tensor.shape[0], tensor.shape[1], item,
                                      settings.transpose};
            if (settings.transpose)
                loaded.transposed = layout::transposeElements(raw, nd.rows, nd.cols, item);
            loaded.shape = layout::byteShapeOf(nd);
            // Streamed from the matrix: no full Nz copy (it cost ~20% of the codec's time).
            loaded.checksum = nzChecksumOf(loaded.matrix(), loaded.shape);
        } catch (const std::invalid_argument& error) {
            // LayoutError and the sparse module's argument checks.
            throw InputError(tensor.file, tensor.name, error.what());
        }
    }
    loaded.spent = std::chrono::steady_clock::now() - begin;
    return loaded;
}

TensorOutput encodeTensor(const plan::Plan& plan, LoadedTensor loaded) {
    const auto begin = std::chrono::steady_clock::now();
    const plan::TensorPlan& entry = plan.tensors[loaded.planIndex];
    const checkpoint::TensorInfo& tensor = entry.tensor;
    TensorOutput out;
    out.planIndex = loaded.planIndex;
    out.nzChecksum = loaded.checksum;
    if (entry.action == plan::Action::Passthrough) {
        out.weight = std::move(loaded.passthrough);
    } else {
        try {
            const layout::ByteShape shape = loaded.shape;
            const layout::NzShape nzShape = layout::nzShapeOf(shape);
            out.nzShape = {static_cast<std::int64_t>(nzShape.k1),
                           static_cast<std::int64_t>(nzShape.n1),
                           static_cast<std::int64_t>(layout::kBlockRows),
                           static_cast<std::int64_t>(layout::kBlockCols)};
            if (entry.action == plan::Action::Disable) {
                out.weight = layout::toNz(loaded.matrix(), shape);
                out.info = layout::infoOf(shape);
            } else {
                // Tiles are gathered straight from the matrix: no full Nz copy.
                layout::CompressedWeight compressed = layout::compressWeight(
                    {loaded.matrix(), shape.rows, shape.rowBytes, 1, false}, entry.type);
                out.weight = std::move(compressed.weight);
                out.index = std::move(compressed.index);
                out.info = compressed.info;
            }
        } catch (const std::invalid_argument& error) {
            // LayoutError and CodecError.
            throw InputError(tensor.file, tensor.name, error.what());
        }
    }
    out.seconds =
        std::chrono::duration<double>(loaded.spent + std::chrono::steady_clock::now() - begin)
            .count();
    return out;
}

TensorOutput runTensorJob(const plan::Plan& plan, std::size_t planIndex,
                          const checkpoint::Checkpoint& checkpoint, const JobSettings& settings) {
    return encodeTensor(plan, loadTensor(plan, planIndex, checkpoint, settings));
}

} // namespace nzc::app
