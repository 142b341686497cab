// Closing hid_t handles with the function their kind needs.
#include "error_stack.h"

#include <nzcompress/h5.h>

#include <utility>

namespace nzc::h5 {
namespace {

herr_t closeId(hid_t id, Handle::Kind kind) {
    switch (kind) {
    case Handle::Kind::File:
        return H5Fclose(id);
    case Handle::Kind::Group:
        return H5Gclose(id);
    case Handle::Kind::Dataset:
        return H5Dclose(id);
    case Handle::Kind::Object:
        return H5Oclose(id);
    case Handle::Kind::Dataspace:
        return H5Sclose(id);
    case Handle::Kind::Datatype:
        return H5Tclose(id);
    case Handle::Kind::Attribute:
        return H5Aclose(id);
    case Handle::Kind::PropertyList:
        return H5Pclose(id);
    }
    return -1;
}

} // namespace

static_assert(sizeof(Id) == sizeof(hid_t));

Handle::~Handle() {
    if (id_ >= 0) {
        closeId(id_, kind_);
        H5Eclear2(H5E_DEFAULT);
    }
}

Handle::Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), kind_(other.kind_) {}

Handle& Handle::operator=(Handle&& other) noexcept {
    if (this != &other) {
        if (id_ >= 0)
            closeId(id_, kind_);
        id_ = std::exchange(other.id_, -1);
        kind_ = other.kind_;
    }
    return *this;
}

void Handle::close(const std::string& file) {
    if (id_ < 0)
        return;
    const hid_t id = std::exchange(id_, -1);
    if (closeId(id, kind_) < 0)
        detail::fail(file, "cannot close");
}

} // namespace nzc::h5
