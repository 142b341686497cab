#include "strict_json.h"

#include "nzcompress/errors.h"

#include <set>
#include <vector>

namespace nzc::checkpoint {
namespace {

// Checkpoint headers nest three levels; anything far deeper is hostile or broken.
constexpr int kMaxDepth = 64;

// nlohmann prefixes messages with "[json.exception.parse_error.101] "; the id means nothing
// to a user.
std::string plainMessage(const std::string& what) {
    if (what.rfind("[json.exception.", 0) == 0) {
        auto close = what.find("] ");
        if (close != std::string::npos)
            return what.substr(close + 2);
    }
    return what;
}

} // namespace

bool isValidUtf8(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned lo = 0x80, hi = 0xBF; // allowed range of the first continuation byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0; // overlong
            if (c == 0xED)
                hi = 0x9F; // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90; // overlong
            if (c == 0xF4)
                hi = 0x8F; // past U+10FFFF
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return false;
        for (std::size_t k = 2; k < len; ++k)
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

nlohmann::json parseStrictJson(std::string_view text, const std::string& file,
                               std::string_view what) {
    const std::string label(what);
    if (!isValidUtf8(text))
        throw InputError(file, "", label + " is not valid UTF-8");

    // One key set per open object; the callback sees every key before its value.
    std::vector<std::set<std::string, std::less<>>> keys;
    auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (depth > kMaxDepth)
            throw InputError(file, "",
                             label + " nests deeper than " + std::to_string(kMaxDepth) + " levels");
        switch (event) {
        case Event::object_start:
            keys.emplace_back();
            break;
        case Event::object_end:
            if (!keys.empty())
                keys.pop_back();
            break;
        case Event::key: {
            const auto& key = parsed.get_ref<const std::string&>();
            if (!keys.empty() && !keys.back().insert(key).second)
                throw InputError(file, "", label + " has the key '" + key + "' twice");
            break;
        }
        default:
            break;
        }
        return true;
    };
    try {
        return nlohmann::json::parse(text.begin(), text.end(), callback);
    } catch (const nlohmann::json::exception& e) {
        throw InputError(file, "", label + " is not valid JSON: " + plainMessage(e.what()));
    }
}

} // namespace nzc::checkpoint
