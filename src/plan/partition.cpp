// Balanced, deterministic assignment of tensors to ranks, and rounds within the memory budget.
#include <nzcompress/plan.h>

#include <algorithm>
#include <numeric>
#include <utility>

namespace nzc::plan {
std::uint64_t workBytesOf(const checkpoint::TensorInfo& tensor, Action action) {
    if (action == Action::Passthrough || tensor.shape.size() != 2)
        return tensor.bytes;
    // The Nz copy is the byte matrix padded to 16-row x 32-byte blocks; --transpose may swap
    // the orientation, so take the larger. The compressed output is at most the Nz bytes plus
    // 128 bytes and an 8-byte index entry per 8x8-block tile.
    const std::uint64_t item = checkpoint::itemSize(tensor.dtype);
    std::uint64_t nz = 0;
    std::uint64_t tiles = 0;
    for (const auto& [rows, cols] : {std::pair{tensor.shape[0], tensor.shape[1]},
                                     std::pair{tensor.shape[1], tensor.shape[0]}}) {
        const std::uint64_t n1 = (rows + 15) / 16;
        const std::uint64_t k1 = (cols * item + 31) / 32;
        nz = std::max(nz, n1 * k1 * 512);
        tiles = std::max(tiles, ((n1 + 7) / 8) * ((k1 + 7) / 8));
    }
    if (action == Action::Disable)
        return tensor.bytes + nz;
    return tensor.bytes + 2 * nz + 136 * tiles;
}

std::uint64_t costOf(const TensorPlan& entry) {
    // Measured on one core: compression (Nz layout, tiles, codec) runs at about a tenth of the
    // speed of a plain copy, a disabled layer (Nz layout only) at about half.
    switch (entry.action) {
    case Action::Compress:
        return entry.tensor.bytes * 8;
    case Action::Disable:
        return entry.tensor.bytes * 2;
    case Action::Passthrough:
        break;
    }
    return entry.tensor.bytes;
}

void partitionTensors(Plan& plan, std::uint64_t memoryBudget) {
    const std::size_t count = plan.tensors.size();
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), 0);
    std::vector<std::uint64_t> cost(count);
    for (std::size_t i = 0; i < count; ++i)
        cost[i] = costOf(plan.tensors[i]);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (cost[a] != cost[b])
            return cost[a] > cost[b];
        return plan.tensors[a].tensor.name < plan.tensors[b].tensor.name;
    });
    std::vector<std::uint64_t> load(static_cast<std::size_t>(plan.ranks), 0);
    for (const std::size_t i : order) {
        // min_element returns the first minimum: ties go to the lowest rank.
        const auto least = std::min_element(load.begin(), load.end());
        plan.tensors[i].rank = static_cast<int>(least - load.begin());
        *least += std::max<std::uint64_t>(cost[i], 1);
    }
    // Rounds per rank, in checkpoint order (reads move forward through each file).
    std::vector<int> round(static_cast<std::size_t>(plan.ranks), 0);
    std::vector<std::uint64_t> held(static_cast<std::size_t>(plan.ranks), 0);
    std::vector<bool> started(static_cast<std::size_t>(plan.ranks), false);
    plan.rounds = 0;
    for (TensorPlan& entry : plan.tensors) {
        const auto r = static_cast<std::size_t>(entry.rank);
        if (started[r] && held[r] + entry.workBytes > memoryBudget) {
            ++round[r];
            held[r] = 0;
        }
        started[r] = true;
        held[r] += entry.workBytes;
        entry.round = round[r];
        plan.rounds = std::max(plan.rounds, round[r] + 1);
    }
}

} // namespace nzc::plan
