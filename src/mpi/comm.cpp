// The communicator and its collectives. Counts travel as int (MPI's count type), so every
// size is checked before the call: the records exchanged here are metadata, far below 2 GiB.
#include "check.h"

#include <algorithm>
#include <climits>
#include <numeric>
#include <utility>

namespace nzc::mpi {
namespace {

// One value of `type` reduced with `op` over the communicator, returned on every rank.
template <typename T> T allreduceScalar(T value, MPI_Datatype type, MPI_Op op, int handle) {
    T result{};
    detail::checkMpi(MPI_Allreduce(&value, &result, 1, type, op, detail::toComm(handle)),
                     "MPI_Allreduce");
    return result;
}

int toCount(std::size_t size, const char* call) {
    if (size > static_cast<std::size_t>(INT_MAX))
        throw MpiError(call, "message of " + std::to_string(size) + " bytes exceeds 2 GiB");
    return static_cast<int>(size);
}

// Displacements of a gatherv from the per-rank counts, checked against int overflow.
std::vector<int> displacements(const std::vector<int>& counts, const char* call) {
    std::vector<int> displs(counts.size(), 0);
    std::size_t total = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        displs[i] = toCount(total, call);
        total += static_cast<std::size_t>(counts[i]);
    }
    toCount(total, call);
    return displs;
}

std::vector<std::vector<std::uint8_t>> split(const std::vector<std::uint8_t>& all,
                                             const std::vector<int>& counts,
                                             const std::vector<int>& displs) {
    std::vector<std::vector<std::uint8_t>> parts(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const auto begin = all.begin() + displs[i];
        parts[i].assign(begin, begin + counts[i]);
    }
    return parts;
}

} // namespace

Comm::Comm(int handle, bool owned) : handle_(handle), owned_(owned) {
    MPI_Comm comm = detail::toComm(handle_);
    detail::checkMpi(MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
    detail::checkMpi(MPI_Comm_rank(comm, &rank_), "MPI_Comm_rank");
    detail::checkMpi(MPI_Comm_size(comm, &size_), "MPI_Comm_size");
}

Comm Comm::world() {
    if (!Environment::isInitialized())
        throw MpiError("Comm::world", "MPI is not initialised (create an Environment first)");
    return Comm(MPI_Comm_c2f(MPI_COMM_WORLD), false);
}

Comm::~Comm() {
    if (owned_ && Environment::isInitialized()) {
        MPI_Comm comm = detail::toComm(handle_);
        MPI_Comm_free(&comm);
    }
}

Comm::Comm(Comm&& other) noexcept
    : handle_(other.handle_), owned_(std::exchange(other.owned_, false)), rank_(other.rank_),
      size_(other.size_) {}

Comm& Comm::operator=(Comm&& other) noexcept {
    if (this != &other) {
        if (owned_ && Environment::isInitialized()) {
            MPI_Comm comm = detail::toComm(handle_);
            MPI_Comm_free(&comm);
        }
        handle_ = other.handle_;
        owned_ = std::exchange(other.owned_, false);
        rank_ = other.rank_;
        size_ = other.size_;
    }
    return *this;
}

Comm Comm::dup() const {
    MPI_Comm copy = MPI_COMM_NULL;
    detail::checkMpi(MPI_Comm_dup(detail::toComm(handle_), &copy), "MPI_Comm_dup");
    return Comm(MPI_Comm_c2f(copy), true);
}

int Comm::ranksOnThisNode() const {
    MPI_Comm node = MPI_COMM_NULL;
    detail::checkMpi(MPI_Comm_split_type(detail::toComm(handle_), MPI_COMM_TYPE_SHARED, rank_,
                                         MPI_INFO_NULL, &node),
                     "MPI_Comm_split_type");
    int size = 0;
    const int status = MPI_Comm_size(node, &size);
    MPI_Comm_free(&node);
    detail::checkMpi(status, "MPI_Comm_size");
    return size;
}

void Comm::barrier() const {
    detail::checkMpi(MPI_Barrier(detail::toComm(handle_)), "MPI_Barrier");
}

void Comm::broadcast(std::vector<std::uint8_t>& bytes, int root) const {
    MPI_Comm comm = detail::toComm(handle_);
    unsigned long long size = bytes.size();
    detail::checkMpi(MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, root, comm), "MPI_Bcast");
    bytes.resize(static_cast<std::size_t>(size));
    // In pieces below 2 GiB so that any size works.
    constexpr std::size_t kPiece = std::size_t{1} << 30;
    for (std::size_t done = 0; done < bytes.size(); done += kPiece) {
        const std::size_t piece = std::min(kPiece, bytes.size() - done);
        detail::checkMpi(
            MPI_Bcast(bytes.data() + done, static_cast<int>(piece), MPI_BYTE, root, comm),
            "MPI_Bcast");
    }
}

std::string Comm::broadcast(std::string_view text, int root) const {
    std::vector<std::uint8_t> bytes;
    if (rank_ == root)
        bytes.assign(text.begin(), text.end());
    broadcast(bytes, root);
    return std::string(bytes.begin(), bytes.end());
}

std::vector<std::uint64_t> Comm::allgather(std::uint64_t value) const {
    std::vector<unsigned long long> all(static_cast<std::size_t>(size_));
    unsigned long long mine = value;
    detail::checkMpi(MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, all.data(), 1,
                                   MPI_UNSIGNED_LONG_LONG, detail::toComm(handle_)),
                     "MPI_Allgather");
    return {all.begin(), all.end()};
}

std::vector<int> Comm::allgather(int value) const {
    std::vector<int> all(static_cast<std::size_t>(size_));
    detail::checkMpi(
        MPI_Allgather(&value, 1, MPI_INT, all.data(), 1, MPI_INT, detail::toComm(handle_)),
        "MPI_Allgather");
    return all;
}

std::vector<std::vector<std::uint8_t>> Comm::allgatherv(std::span<const std::uint8_t> mine) const {
    const int count = toCount(mine.size(), "MPI_Allgatherv");
    const std::vector<int> counts = allgather(count);
    const std::vector<int> displs = displacements(counts, "MPI_Allgatherv");
    std::vector<std::uint8_t> all(
        static_cast<std::size_t>(std::accumulate(counts.begin(), counts.end(), 0LL)));
    detail::checkMpi(MPI_Allgatherv(mine.data(), count, MPI_BYTE, all.data(), counts.data(),
                                    displs.data(), MPI_BYTE, detail::toComm(handle_)),
                     "MPI_Allgatherv");
    return split(all, counts, displs);
}

std::vector<std::vector<std::uint8_t>> Comm::gatherv(std::span<const std::uint8_t> mine,
                                                     int root) const {
    MPI_Comm comm = detail::toComm(handle_);
    const int count = toCount(mine.size(), "MPI_Gatherv");
    std::vector<int> counts(static_cast<std::size_t>(size_));
    detail::checkMpi(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, comm),
                     "MPI_Gather");
    if (rank_ != root) {
        detail::checkMpi(MPI_Gatherv(mine.data(), count, MPI_BYTE, nullptr, nullptr, nullptr,
                                     MPI_BYTE, root, comm),
                         "MPI_Gatherv");
        return {};
    }
    const std::vector<int> displs = displacements(counts, "MPI_Gatherv");
    std::vector<std::uint8_t> all(
        static_cast<std::size_t>(std::accumulate(counts.begin(), counts.end(), 0LL)));
    detail::checkMpi(MPI_Gatherv(mine.data(), count, MPI_BYTE, all.data(), counts.data(),
                                 displs.data(), MPI_BYTE, root, comm),
                     "MPI_Gatherv");
    return split(all, counts, displs);
}

std::uint64_t Comm::exscanSum(std::uint64_t value) const {
    unsigned long long mine = value;
    unsigned long long before = 0;
    detail::checkMpi(
        MPI_Exscan(&mine, &before, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, detail::toComm(handle_)),
        "MPI_Exscan");
    // MPI leaves rank 0's result undefined.
    return rank_ == 0 ? 0 : before;
}

std::uint64_t Comm::allreduceSum(std::uint64_t value) const {
    return allreduceScalar<unsigned long long>(value, MPI_UNSIGNED_LONG_LONG, MPI_SUM, handle_);
}

int Comm::allreduceMax(int value) const {
    return allreduceScalar<int>(value, MPI_INT, MPI_MAX, handle_);
}

std::uint64_t Comm::allreduceMax(std::uint64_t value) const {
    return allreduceScalar<unsigned long long>(value, MPI_UNSIGNED_LONG_LONG, MPI_MAX, handle_);
}

bool Comm::allTrue(bool value) const {
    return allreduceScalar<int>(value ? 1 : 0, MPI_INT, MPI_LAND, handle_) != 0;
}

Request Comm::ibarrier() const {
    MPI_Request request = MPI_REQUEST_NULL;
    detail::checkMpi(MPI_Ibarrier(detail::toComm(handle_), &request), "MPI_Ibarrier");
    return Request(MPI_Request_c2f(request));
}

Request Comm::iallreduceSum(std::span<const std::uint64_t> values,
                            std::span<std::uint64_t> result) const {
    if (values.size() != result.size())
        throw MpiError("MPI_Iallreduce", "input and result sizes differ");
    static_assert(sizeof(unsigned long long) == sizeof(std::uint64_t));
    MPI_Request request = MPI_REQUEST_NULL;
    detail::checkMpi(
        MPI_Iallreduce(values.data(), result.data(), toCount(values.size(), "MPI_Iallreduce"),
                       MPI_UNSIGNED_LONG_LONG, MPI_SUM, detail::toComm(handle_), &request),
        "MPI_Iallreduce");
    return Request(MPI_Request_c2f(request));
}

} // namespace nzc::mpi
