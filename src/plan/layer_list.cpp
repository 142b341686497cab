// --disable-layers values and files.
#include <nzcompress/errors.h>
#include <nzcompress/plan.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace nzc::plan {
namespace {

std::string trim(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos)
        return {};
    const auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

} // namespace

std::vector<std::string> splitLayerList(std::string_view text) {
    std::vector<std::string> names;
    while (!text.empty()) {
        const auto comma = text.find(',');
        std::string name = trim(text.substr(0, comma));
        if (!name.empty())
            names.push_back(std::move(name));
        if (comma == std::string_view::npos)
            break;
        text.remove_prefix(comma + 1);
    }
    return names;
}

std::vector<std::string> readLayerFile(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw IoError(path,
                      std::string("cannot read --disable-layers-file: ") + std::strerror(errno));
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        const auto hash = line.find('#');
        for (std::string& name : splitLayerList(std::string_view(line).substr(0, hash)))
            names.push_back(std::move(name));
    }
    if (in.bad())
        throw IoError(path, "read error in --disable-layers-file");
    return names;
}

} // namespace nzc::plan
