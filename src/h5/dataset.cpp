// Raw reads and writes of whole rows of a dataset.
#include "error_stack.h"

#include <nzcompress/h5.h>

#include <algorithm>
#include <sys/statvfs.h>

namespace nzc::h5 {
namespace {

using detail::checkId;
using detail::checkStatus;

// Bounded pieces: MPI-IO counts are int, and one huge request gains nothing.
constexpr std::size_t kPieceBytes = std::size_t{256} << 20;

// MPI-IO does not pass the operating system's reason up through HDF5; the usual one, a full
// file system, can be recognised afterwards.
std::string spaceHint(const std::string& file, std::size_t bytes) {
    struct statvfs info {};
    if (::statvfs(file.c_str(), &info) == 0 &&
        static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize < bytes)
        return " (no space left on the file system: " +
               std::to_string(static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize) +
               " bytes free)";
    return {};
}

} // namespace

Dataset::Dataset(Handle handle, std::string file, std::string path)
    : handle_(std::move(handle)), file_(std::move(file)), path_(std::move(path)) {}

std::vector<std::uint64_t> Dataset::shape() const {
    Handle space(checkId(H5Dget_space(handle_.get()), file_, "H5Dget_space '" + path_ + "'"),
                 Handle::Kind::Dataspace);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0)
        detail::fail(file_, "cannot read the shape of '" + path_ + "'");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0)
        detail::fail(file_, "cannot read the shape of '" + path_ + "'");
    return {dims.begin(), dims.end()};
}

std::size_t Dataset::elementBytes() const {
    Handle type(checkId(H5Dget_type(handle_.get()), file_, "H5Dget_type '" + path_ + "'"),
                Handle::Kind::Datatype);
    return H5Tget_size(type.get());
}

void Dataset::writeRows(std::span<const std::uint8_t> bytes, std::uint64_t firstRow) {
    if (bytes.empty())
        return;
    const std::vector<std::uint64_t> dims = shape();
    Handle type(checkId(H5Dget_type(handle_.get()), file_, "H5Dget_type '" + path_ + "'"),
                Handle::Kind::Datatype);
    std::size_t rowBytes = H5Tget_size(type.get());
    for (std::size_t d = 1; d < dims.size(); ++d)
        rowBytes *= dims[d];
    if (dims.empty()) {
        // A scalar: one "row".
        checkStatus(
            H5Dwrite(handle_.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), file_,
            "cannot write '" + path_ + "'");
        return;
    }
    if (rowBytes == 0 || bytes.size() % rowBytes != 0 ||
        firstRow + bytes.size() / rowBytes > dims[0])
        throw IoError(file_, "write of " + std::to_string(bytes.size()) + " bytes at row " +
                                 std::to_string(firstRow) + " does not fit '" + path_ + "'");
    Handle fileSpace(checkId(H5Dget_space(handle_.get()), file_, "H5Dget_space"),
                     Handle::Kind::Dataspace);
    const std::size_t rowsPerPiece = std::max<std::size_t>(1, kPieceBytes / rowBytes);
    const std::size_t rows = bytes.size() / rowBytes;
    for (std::size_t done = 0; done < rows; done += rowsPerPiece) {
        const std::size_t count = std::min(rowsPerPiece, rows - done);
        std::vector<hsize_t> start(dims.size(), 0);
        std::vector<hsize_t> extent(dims.begin(), dims.end());
        start[0] = firstRow + done;
        extent[0] = count;
        checkStatus(H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr,
                                        extent.data(), nullptr),
                    file_, "cannot select rows of '" + path_ + "'");
        Handle memSpace(
            checkId(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr),
                    file_, "H5Screate_simple"),
            Handle::Kind::Dataspace);
        if (H5Dwrite(handle_.get(), type.get(), memSpace.get(), fileSpace.get(), H5P_DEFAULT,
                     bytes.data() + done * rowBytes) < 0)
            detail::fail(file_,
                         "cannot write '" + path_ + "'" + spaceHint(file_, count * rowBytes));
    }
}

std::vector<std::uint8_t> Dataset::readAll() const {
    Handle type(checkId(H5Dget_type(handle_.get()), file_, "H5Dget_type '" + path_ + "'"),
                Handle::Kind::Datatype);
    std::size_t bytes = H5Tget_size(type.get());
    for (const std::uint64_t d : shape())
        bytes *= d;
    std::vector<std::uint8_t> data(bytes);
    if (bytes > 0)
        checkStatus(H5Dread(handle_.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()),
                    file_, "cannot read '" + path_ + "'");
    return data;
}

std::optional<std::uint64_t> Dataset::fileOffset() const {
    const haddr_t offset = H5Dget_offset(handle_.get());
    H5Eclear2(H5E_DEFAULT); // HADDR_UNDEF (no storage) is an answer, not an error
    if (offset == HADDR_UNDEF)
        return std::nullopt;
    return static_cast<std::uint64_t>(offset);
}

void Dataset::close() {
    handle_.close(file_);
}

} // namespace nzc::h5
