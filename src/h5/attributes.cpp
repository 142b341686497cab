// Attributes of any object, by object path: strings (variable-length UTF-8, readable by
// h5dump and by h5py as str), int64 scalars and arrays, doubles.
#include "error_stack.h"

#include <nzcompress/h5.h>

#include <algorithm>

namespace nzc::h5 {
namespace {

using detail::checkId;
using detail::checkStatus;

// Opens the object, removes an old attribute of that name, creates a new one and writes it.
void writeAttribute(hid_t file, const std::string& fileName, const std::string& object,
                    const std::string& name, hid_t type, hid_t space, const void* data) {
    const std::string what = "attribute '" + name + "' of '" + object + "'";
    Handle target(checkId(H5Oopen(file, object.c_str(), H5P_DEFAULT), fileName,
                          "cannot open '" + object + "'"),
                  Handle::Kind::Object);
    const htri_t present = H5Aexists(target.get(), name.c_str());
    if (present < 0)
        detail::fail(fileName, "cannot look up " + what);
    if (present > 0)
        checkStatus(H5Adelete(target.get(), name.c_str()), fileName, "cannot replace " + what);
    Handle attribute(
        checkId(H5Acreate2(target.get(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                fileName, "cannot create " + what),
        Handle::Kind::Attribute);
    checkStatus(H5Awrite(attribute.get(), type, data), fileName, "cannot write " + what);
    attribute.close(fileName);
}

Handle openAttribute(hid_t file, const std::string& fileName, const std::string& object,
                     const std::string& name) {
    const hid_t id = H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    checkId(id, fileName, "cannot open attribute '" + name + "' of '" + object + "'");
    return Handle(id, Handle::Kind::Attribute);
}

Handle scalarSpace(const std::string& fileName) {
    return Handle(checkId(H5Screate(H5S_SCALAR), fileName, "H5Screate"), Handle::Kind::Dataspace);
}

} // namespace

void File::setAttribute(const std::string& object, const std::string& name,
                        std::string_view value) {
    // Variable-length UTF-8: h5py reads it as str, h5dump prints it plainly. An attribute
    // lives in the object header, so parallel HDF5 writes it like any other metadata.
    Handle type(checkId(H5Tcopy(H5T_C_S1), path_, "H5Tcopy"), Handle::Kind::Datatype);
    checkStatus(H5Tset_size(type.get(), H5T_VARIABLE), path_, "H5Tset_size");
    checkStatus(H5Tset_cset(type.get(), H5T_CSET_UTF8), path_, "H5Tset_cset");
    const std::string data(value);
    const char* text = data.c_str();
    Handle space = scalarSpace(path_);
    writeAttribute(handle_.get(), path_, object, name, type.get(), space.get(), &text);
}

void File::setAttribute(const std::string& object, const std::string& name, std::int64_t value) {
    Handle space = scalarSpace(path_);
    writeAttribute(handle_.get(), path_, object, name, H5T_STD_I64LE, space.get(), &value);
}

void File::setAttribute(const std::string& object, const std::string& name, double value) {
    Handle space = scalarSpace(path_);
    writeAttribute(handle_.get(), path_, object, name, H5T_IEEE_F64LE, space.get(), &value);
}

void File::setAttribute(const std::string& object, const std::string& name,
                        std::span<const std::int64_t> values) {
    const hsize_t count = values.size();
    Handle space(checkId(H5Screate_simple(1, &count, nullptr), path_, "H5Screate_simple"),
                 Handle::Kind::Dataspace);
    // An empty array (the shape of a scalar tensor) has no data, but H5Awrite refuses a null
    // buffer even for zero elements.
    constexpr std::int64_t kNothing = 0;
    writeAttribute(handle_.get(), path_, object, name, H5T_STD_I64LE, space.get(),
                   values.empty() ? &kNothing : values.data());
}

bool File::hasAttribute(const std::string& object, const std::string& name) const {
    const htri_t present =
        H5Aexists_by_name(handle_.get(), object.c_str(), name.c_str(), H5P_DEFAULT);
    if (present < 0)
        detail::fail(path_, "cannot look up attribute '" + name + "' of '" + object + "'");
    return present > 0;
}

std::string File::getStringAttribute(const std::string& object, const std::string& name) const {
    Handle attribute = openAttribute(handle_.get(), path_, object, name);
    Handle type(checkId(H5Aget_type(attribute.get()), path_, "H5Aget_type"),
                Handle::Kind::Datatype);
    if (H5Tget_class(type.get()) != H5T_STRING)
        throw IoError(path_, "attribute '" + name + "' of '" + object + "' is not a string");
    if (H5Tis_variable_str(type.get()) > 0) {
        // The file's own type as memory type: same character set, no conversion.
        char* text = nullptr;
        checkStatus(H5Aread(attribute.get(), type.get(), &text), path_,
                    "cannot read attribute '" + name + "'");
        std::string value = text != nullptr ? text : "";
        H5free_memory(text);
        return value;
    }
    std::string value(H5Tget_size(type.get()), '\0');
    checkStatus(H5Aread(attribute.get(), type.get(), value.data()), path_,
                "cannot read attribute '" + name + "'");
    value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
    return value;
}

std::int64_t File::getIntAttribute(const std::string& object, const std::string& name) const {
    Handle attribute = openAttribute(handle_.get(), path_, object, name);
    std::int64_t value = 0;
    checkStatus(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), path_,
                "cannot read attribute '" + name + "' of '" + object + "'");
    return value;
}

double File::getDoubleAttribute(const std::string& object, const std::string& name) const {
    Handle attribute = openAttribute(handle_.get(), path_, object, name);
    double value = 0;
    checkStatus(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), path_,
                "cannot read attribute '" + name + "' of '" + object + "'");
    return value;
}

std::vector<std::int64_t> File::getIntArrayAttribute(const std::string& object,
                                                     const std::string& name) const {
    Handle attribute = openAttribute(handle_.get(), path_, object, name);
    Handle space(checkId(H5Aget_space(attribute.get()), path_, "H5Aget_space"),
                 Handle::Kind::Dataspace);
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count < 0)
        detail::fail(path_, "cannot size attribute '" + name + "'");
    std::vector<std::int64_t> values(static_cast<std::size_t>(count));
    if (count > 0)
        checkStatus(H5Aread(attribute.get(), H5T_NATIVE_INT64, values.data()), path_,
                    "cannot read attribute '" + name + "' of '" + object + "'");
    return values;
}

} // namespace nzc::h5
