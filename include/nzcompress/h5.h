// HDF5 for nzcompress: move-only handles, the parallel writer (MPI-IO driver, collective
// metadata) and the serial reader used by verify/inspect/export. The only module that
// includes <hdf5.h>. Every failure throws nzc::IoError naming the file and, where there is
// one, the object, with HDF5's own error stack as the reason.
//
// Parallel rules (HDF5's, restated): on a file opened with openParallel/createParallel every
// call that changes metadata (groups, datasets, attributes, links, flush, close) is
// *collective*: every rank calls it with the same arguments, in the same order. Data writes
// (Dataset::writeRows) are *independent*: only the rank owning the data calls them.
// On a serial file every call is *local*.
#pragma once

#include <nzcompress/errors.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nzc::mpi {
class Comm;
}

namespace nzc::h5 {

/// HDF5's hid_t (int64 since HDF5 1.10), kept out of this header.
using Id = std::int64_t;

/// A tensor name as an HDF5 link name: HDF5 forbids '/' inside a link name and gives "."
/// a meaning, so '%' becomes "%25", '/' becomes "%2F", and a name that is exactly "."
/// becomes "%2E". Every other byte is kept. Reversible with unescapeName. Local.
std::string escapeName(std::string_view name);
/// The inverse of escapeName. Throws std::invalid_argument on a malformed escape. Local.
std::string unescapeName(std::string_view link);

/// Element types by their safetensors spelling ("I8", "F16", "BF16", ...). F16 and BF16 are
/// stored as HDF5 floats of 2 bytes (h5py reads F16 as float16), BOOL as uint8, F8 kinds as
/// uint8; the exact spelling is kept in a "dtype" attribute by the caller.
std::size_t elementSize(std::string_view dtype);

/// One owned hid_t, closed with the right H5*close on destruction. Move-only.
class Handle {
public:
    enum class Kind { File, Group, Dataset, Object, Dataspace, Datatype, Attribute, PropertyList };
    Handle() = default;
    Handle(Id id, Kind kind) : id_(id), kind_(kind) {}
    ~Handle();
    Handle(Handle&& other) noexcept;
    Handle& operator=(Handle&& other) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    Id get() const noexcept { return id_; }
    bool valid() const noexcept { return id_ >= 0; }
    /// Closes now; throws IoError (naming `file`) if HDF5 fails to close.
    void close(const std::string& file);
    /// Forgets the id without closing it (HDF5 closes it when the library shuts down).
    void release() noexcept { id_ = -1; }

private:
    Id id_ = -1;
    Kind kind_ = Kind::File;
};

/// A dataset of an open file.
class Dataset {
public:
    Dataset(Handle handle, std::string file, std::string path);

    const std::string& path() const noexcept { return path_; }
    /// Its dimensions (empty for a scalar). Local (a metadata read: collective on a parallel
    /// file).
    std::vector<std::uint64_t> shape() const;
    /// Bytes of one element in the file. Same rules as shape().
    std::size_t elementBytes() const;

    /// Writes `bytes` (whole rows of the first dimension, raw, in the file's element type)
    /// starting at row `firstRow`. Large writes go in pieces. *Independent* on a parallel
    /// file: only the owner calls it.
    void writeRows(std::span<const std::uint8_t> bytes, std::uint64_t firstRow = 0);
    /// Reads the whole dataset as raw bytes. Local (serial files).
    std::vector<std::uint8_t> readAll() const;
    /// Where the dataset's bytes start in the file (contiguous, allocated datasets), so that
    /// a rank can write them with its own descriptor; nullopt for an empty or unallocated
    /// dataset. Local.
    std::optional<std::uint64_t> fileOffset() const;

    Id id() const noexcept { return handle_.get(); }
    void close();

private:
    Handle handle_;
    std::string file_;
    std::string path_;
};

/// One column of a table written with File::writeTable: exactly one of the vectors is used.
struct TableColumn {
    enum class Kind { String, Int64, Float64 };
    std::string name;
    Kind kind = Kind::Int64;
    std::vector<std::string> strings;
    std::vector<std::int64_t> ints;
    std::vector<double> doubles;
};

/// An open HDF5 file. Move-only; the destructor closes it (a parallel file must be closed by
/// every rank: call close() on all ranks before they can diverge).
class File {
public:
    /// The alignment of large objects in files this module writes: the page size, which is
    /// also a multiple of every common device block size.
    static constexpr std::uint64_t kAlignment = 4096;
    /// Creates `path` (truncating only if `overwrite`) with the MPI-IO driver, collective
    /// metadata reads and writes, libver bounds LATEST, and every object of at least
    /// kAlignment bytes starting at a multiple of kAlignment (so that its whole pages can be
    /// written with O_DIRECT without touching any other object). *Collective*.
    static File createParallel(const std::string& path, const mpi::Comm& comm, bool overwrite);
    /// Opens an existing file for writing with the MPI-IO driver (same properties as
    /// createParallel). *Collective*.
    static File openParallel(const std::string& path, const mpi::Comm& comm);
    /// Opens a file with the default (serial) driver. Local.
    static File openSerial(const std::string& path, bool writable);
    /// Whether `path` is an HDF5 file HDF5 can open (no exception). Local.
    static bool isHdf5(const std::string& path);

    File(File&&) noexcept = default;
    File& operator=(File&&) noexcept = default;
    ~File() = default;

    const std::string& path() const noexcept { return path_; }
    bool parallel() const noexcept { return parallel_; }

    /// Creates a group (parents must exist). Collective on a parallel file.
    void createGroup(const std::string& group);
    /// Whether a link exists at `path` (each part checked). Collective on a parallel file.
    bool exists(const std::string& path) const;
    /// Deletes the link at `path`. Collective on a parallel file.
    void remove(const std::string& path);
    /// Names of the links in a group, in name order. Collective on a parallel file.
    std::vector<std::string> list(const std::string& group) const;

    /// Creates a contiguous, unfiltered dataset of `dtype` (safetensors spelling) and `shape`
    /// (empty = scalar), allocated at creation, never filled. Collective on a parallel file.
    Dataset createDataset(const std::string& path, std::string_view dtype,
                          const std::vector<std::uint64_t>& shape);
    /// Opens a dataset. Collective on a parallel file.
    Dataset openDataset(const std::string& path) const;

    /// Attributes on the object at `object` ("/" for the root). Writing replaces an existing
    /// attribute of that name. Collective on a parallel file (same values on every rank).
    void setAttribute(const std::string& object, const std::string& name, std::string_view value);
    void setAttribute(const std::string& object, const std::string& name, std::int64_t value);
    void setAttribute(const std::string& object, const std::string& name, double value);
    void setAttribute(const std::string& object, const std::string& name,
                      std::span<const std::int64_t> values);
    bool hasAttribute(const std::string& object, const std::string& name) const;
    std::string getStringAttribute(const std::string& object, const std::string& name) const;
    std::int64_t getIntAttribute(const std::string& object, const std::string& name) const;
    double getDoubleAttribute(const std::string& object, const std::string& name) const;
    std::vector<std::int64_t> getIntArrayAttribute(const std::string& object,
                                                   const std::string& name) const;

    /// Writes a 1-D compound dataset with one field per column (strings variable-length).
    /// Serial files only (parallel HDF5 cannot write variable-length data). Local.
    void writeTable(const std::string& path, const std::vector<TableColumn>& columns);

    /// Flushes HDF5's buffers to the file system. Collective on a parallel file.
    void flush();
    /// Closes the file, reporting errors (the destructor cannot). Collective on a parallel file.
    void close();
    /// After a failed write (a full disk): leaves the file to HDF5's own shutdown instead of
    /// closing it here. A failed H5Fclose leaves a half-closed file that crashes HDF5 at
    /// MPI_Finalize; an untouched one is only reported there. Collective on a parallel file.
    void abandon() noexcept;

private:
    File(Handle handle, std::string path, bool parallel);
    Handle handle_;
    std::string path_;
    bool parallel_ = false;
};

} // namespace nzc::h5
