// Byte sizes with binary and decimal units.
#include "byte_size.h"

#include <nzcompress/errors.h>

#include <cctype>
#include <cmath>
#include <string>

namespace nzc::app {

std::uint64_t parseByteSize(std::string_view text, std::string_view flag) {
    const auto bad = [&] {
        return UsageError(std::string(flag) + ": cannot read '" + std::string(text) +
                          "' as a size (examples: 1000000, 512MiB, 4GiB)");
    };
    std::size_t end = 0;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.'))
        ++end;
    if (end == 0)
        throw bad();
    double number = 0;
    try {
        number = std::stod(std::string(text.substr(0, end)));
    } catch (const std::exception&) {
        throw bad();
    }
    std::string unit(text.substr(end));
    for (char& c : unit)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    double scale = 1;
    if (unit.empty() || unit == "B")
        scale = 1;
    else if (unit == "K" || unit == "KIB")
        scale = 1024.0;
    else if (unit == "M" || unit == "MIB")
        scale = 1024.0 * 1024;
    else if (unit == "G" || unit == "GIB")
        scale = 1024.0 * 1024 * 1024;
    else if (unit == "T" || unit == "TIB")
        scale = 1024.0 * 1024 * 1024 * 1024;
    else if (unit == "KB")
        scale = 1e3;
    else if (unit == "MB")
        scale = 1e6;
    else if (unit == "GB")
        scale = 1e9;
    else if (unit == "TB")
        scale = 1e12;
    else
        throw bad();
    const double bytes = std::floor(number * scale);
    if (!(bytes >= 0) || bytes > 1.8e19)
        throw bad();
    return static_cast<std::uint64_t>(bytes);
}

} // namespace nzc::app
