// A 1-D compound dataset from columns (the /report table). Serial only: its strings are
// variable-length, which parallel HDF5 1.10 cannot write.
#include "error_stack.h"

#include <nzcompress/h5.h>

#include <algorithm>
#include <cstring>

namespace nzc::h5 {

void File::writeTable(const std::string& path, const std::vector<TableColumn>& columns) {
    using detail::checkId;
    using detail::checkStatus;
    if (parallel_)
        throw IoError(path_, "table '" + path + "': only serial files can hold string tables");
    std::size_t rows = 0;
    std::size_t rowBytes = 0;
    std::vector<std::size_t> offsets;
    for (const TableColumn& column : columns) {
        const std::size_t count = column.kind == TableColumn::Kind::String  ? column.strings.size()
                                  : column.kind == TableColumn::Kind::Int64 ? column.ints.size()
                                                                            : column.doubles.size();
        if (&column != &columns.front() && count != rows)
            throw IoError(path_, "table '" + path + "': columns of different lengths");
        rows = count;
        offsets.push_back(rowBytes);
        rowBytes += column.kind == TableColumn::Kind::String ? sizeof(char*) : 8;
    }
    Handle stringType(checkId(H5Tcopy(H5T_C_S1), path_, "H5Tcopy"), Handle::Kind::Datatype);
    checkStatus(H5Tset_size(stringType.get(), H5T_VARIABLE), path_, "H5Tset_size");
    checkStatus(H5Tset_cset(stringType.get(), H5T_CSET_UTF8), path_, "H5Tset_cset");
    Handle rowType(
        checkId(H5Tcreate(H5T_COMPOUND, std::max<std::size_t>(rowBytes, 1)), path_, "H5Tcreate"),
        Handle::Kind::Datatype);
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const hid_t type = columns[c].kind == TableColumn::Kind::String  ? stringType.get()
                           : columns[c].kind == TableColumn::Kind::Int64 ? H5T_NATIVE_INT64
                                                                         : H5T_NATIVE_DOUBLE;
        checkStatus(H5Tinsert(rowType.get(), columns[c].name.c_str(), offsets[c], type), path_,
                    "H5Tinsert");
    }
    // Packed rows in memory; the string fields point into the columns' own strings.
    std::vector<unsigned char> buffer(rows * rowBytes);
    for (std::size_t r = 0; r < rows; ++r) {
        unsigned char* row = buffer.data() + r * rowBytes;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            const TableColumn& column = columns[c];
            if (column.kind == TableColumn::Kind::String) {
                const char* text = column.strings[r].c_str();
                std::memcpy(row + offsets[c], &text, sizeof text);
            } else if (column.kind == TableColumn::Kind::Int64) {
                std::memcpy(row + offsets[c], &column.ints[r], 8);
            } else {
                std::memcpy(row + offsets[c], &column.doubles[r], 8);
            }
        }
    }
    const hsize_t count = rows;
    Handle space(checkId(H5Screate_simple(1, &count, nullptr), path_, "H5Screate_simple"),
                 Handle::Kind::Dataspace);
    Handle dataset(checkId(H5Dcreate2(handle_.get(), path.c_str(), rowType.get(), space.get(),
                                      H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           path_, "cannot create table '" + path + "'"),
                   Handle::Kind::Dataset);
    if (rows > 0)
        checkStatus(
            H5Dwrite(dataset.get(), rowType.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
            path_, "cannot write table '" + path + "'");
    dataset.close(path_);
}

} // namespace nzc::h5
