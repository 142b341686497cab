// Reversible escaping of tensor names into HDF5 link names.
#include <nzcompress/h5.h>

#include <stdexcept>

namespace nzc::h5 {

std::string escapeName(std::string_view name) {
    if (name == ".")
        return "%2E";
    std::string link;
    link.reserve(name.size());
    for (const char c : name) {
        if (c == '%')
            link += "%25";
        else if (c == '/')
            link += "%2F";
        else
            link += c;
    }
    return link;
}

std::string unescapeName(std::string_view link) {
    std::string name;
    name.reserve(link.size());
    for (std::size_t i = 0; i < link.size(); ++i) {
        if (link[i] != '%') {
            name += link[i];
            continue;
        }
        const std::string_view code = link.substr(i + 1, 2);
        if (code == "25")
            name += '%';
        else if (code == "2F")
            name += '/';
        else if (code == "2E" && link == "%2E")
            name += '.';
        else
            throw std::invalid_argument("bad escape in HDF5 link name '" + std::string(link) + "'");
        i += 2;
    }
    return name;
}

} // namespace nzc::h5
