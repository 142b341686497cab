// Opening, creating, closing files; groups, links and datasets.
#include "error_stack.h"
#include "types.h"

#include <nzcompress/h5.h>
#include <nzcompress/mpi.h>

#include <mpi.h>

#include <algorithm>
#include <stdexcept>

namespace nzc::h5 {
namespace {

using detail::checkId;
using detail::checkStatus;

Handle parallelAccess(const mpi::Comm& comm, const std::string& path) {
    Handle fapl(checkId(H5Pcreate(H5P_FILE_ACCESS), path, "H5Pcreate"), Handle::Kind::PropertyList);
    checkStatus(H5Pset_fapl_mpio(fapl.get(), MPI_Comm_f2c(comm.fortranHandle()), MPI_INFO_NULL),
                path, "cannot select the MPI-IO driver");
    // Metadata read by one rank and broadcast, written by one rank: thousands of datasets
    // would otherwise cost every rank a read per object.
    checkStatus(H5Pset_all_coll_metadata_ops(fapl.get(), true), path,
                "cannot enable collective metadata reads");
    checkStatus(H5Pset_coll_metadata_write(fapl.get(), true), path,
                "cannot enable collective metadata writes");
    checkStatus(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), path,
                "cannot set the library version bounds");
    // Large datasets start on a page: their data can then be written page by page with
    // O_DIRECT, and no page of it is shared with HDF5's metadata.
    checkStatus(H5Pset_alignment(fapl.get(), File::kAlignment, File::kAlignment), path,
                "cannot set the alignment");
    return fapl;
}

// Every prefix of an absolute path ("/a", "/a/b", ...), for H5Lexists which needs parents.
std::vector<std::string> prefixes(const std::string& path) {
    std::vector<std::string> parts;
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        parts.push_back(path.substr(0, slash));
        if (slash == std::string::npos)
            break;
    }
    return parts;
}

herr_t collectName(hid_t, const char* name, const H5L_info_t*, void* data) {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
}

} // namespace

File::File(Handle handle, std::string path, bool parallel)
    : handle_(std::move(handle)), path_(std::move(path)), parallel_(parallel) {}

File File::createParallel(const std::string& path, const mpi::Comm& comm, bool overwrite) {
    detail::silenceHdf5();
    Handle fapl = parallelAccess(comm, path);
    const hid_t id =
        H5Fcreate(path.c_str(), overwrite ? H5F_ACC_TRUNC : H5F_ACC_EXCL, H5P_DEFAULT, fapl.get());
    checkId(id, path, "cannot create the HDF5 file");
    return File(Handle(id, Handle::Kind::File), path, true);
}

File File::openParallel(const std::string& path, const mpi::Comm& comm) {
    detail::silenceHdf5();
    Handle fapl = parallelAccess(comm, path);
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get());
    checkId(id, path, "cannot open the HDF5 file");
    return File(Handle(id, Handle::Kind::File), path, true);
}

File File::openSerial(const std::string& path, bool writable) {
    detail::silenceHdf5();
    const hid_t id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
    checkId(id, path, "cannot open the HDF5 file");
    return File(Handle(id, Handle::Kind::File), path, false);
}

bool File::isHdf5(const std::string& path) {
    detail::silenceHdf5();
    const htri_t result = H5Fis_hdf5(path.c_str());
    H5Eclear2(H5E_DEFAULT);
    return result > 0;
}

void File::createGroup(const std::string& group) {
    Handle id(
        checkId(H5Gcreate2(handle_.get(), group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                path_, "cannot create group '" + group + "'"),
        Handle::Kind::Group);
    id.close(path_);
}

bool File::exists(const std::string& path) const {
    if (path == "/")
        return true;
    for (const std::string& prefix : prefixes(path)) {
        const htri_t found = H5Lexists(handle_.get(), prefix.c_str(), H5P_DEFAULT);
        if (found < 0)
            detail::fail(path_, "cannot look up '" + prefix + "'");
        if (found == 0)
            return false;
    }
    return true;
}

void File::remove(const std::string& path) {
    checkStatus(H5Ldelete(handle_.get(), path.c_str(), H5P_DEFAULT), path_,
                "cannot delete '" + path + "'");
}

std::vector<std::string> File::list(const std::string& group) const {
    std::vector<std::string> names;
    checkStatus(H5Literate_by_name(handle_.get(), group.c_str(), H5_INDEX_NAME, H5_ITER_INC,
                                   nullptr, collectName, &names, H5P_DEFAULT),
                path_, "cannot list group '" + group + "'");
    return names;
}

Dataset File::createDataset(const std::string& path, std::string_view dtype,
                            const std::vector<std::uint64_t>& shape) {
    Handle type;
    try {
        type = detail::makeType(dtype);
    } catch (const std::invalid_argument& error) {
        throw IoError(path_, "dataset '" + path + "': " + error.what());
    }
    const std::vector<hsize_t> dims(shape.begin(), shape.end());
    Handle space(checkId(shape.empty() ? H5Screate(H5S_SCALAR)
                                       : H5Screate_simple(static_cast<int>(dims.size()),
                                                          dims.data(), nullptr),
                         path_, "cannot create a dataspace for '" + path + "'"),
                 Handle::Kind::Dataspace);
    Handle dcpl(checkId(H5Pcreate(H5P_DATASET_CREATE), path_, "H5Pcreate"),
                Handle::Kind::PropertyList);
    // Contiguous, no filter: the bytes are already compressed, and parallel HDF5 cannot
    // write filtered chunks safely. Never filling saves a write of every byte.
    checkStatus(H5Pset_layout(dcpl.get(), H5D_CONTIGUOUS), path_, "H5Pset_layout");
    checkStatus(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), path_, "H5Pset_fill_time");
    checkStatus(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY), path_, "H5Pset_alloc_time");
    const hid_t id = H5Dcreate2(handle_.get(), path.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                dcpl.get(), H5P_DEFAULT);
    checkId(id, path_, "cannot create dataset '" + path + "'");
    return Dataset(Handle(id, Handle::Kind::Dataset), path_, path);
}

Dataset File::openDataset(const std::string& path) const {
    const hid_t id = H5Dopen2(handle_.get(), path.c_str(), H5P_DEFAULT);
    checkId(id, path_, "cannot open dataset '" + path + "'");
    return Dataset(Handle(id, Handle::Kind::Dataset), path_, path);
}

void File::flush() {
    checkStatus(H5Fflush(handle_.get(), H5F_SCOPE_GLOBAL), path_, "cannot flush");
}

void File::close() {
    handle_.close(path_);
}

void File::abandon() noexcept {
    handle_.release();
}

} // namespace nzc::h5
