// Collects the messages of HDF5's error stack so an IoError can say what HDF5 said.
#include "error_stack.h"

#include <nzcompress/errors.h>

#include <mutex>
#include <vector>

namespace nzc::h5::detail {
namespace {

herr_t collect(unsigned, const H5E_error2_t* error, void* data) {
    auto* lines = static_cast<std::vector<std::string>*>(data);
    std::string line = error->desc != nullptr ? error->desc : "";
    if (error->func_name != nullptr)
        line = std::string(error->func_name) + ": " + line;
    lines->push_back(std::move(line));
    return 0;
}

} // namespace

void silenceHdf5() {
    static std::once_flag once;
    std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

std::string takeErrorStack() {
    std::vector<std::string> lines;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &lines);
    H5Eclear2(H5E_DEFAULT);
    std::string text;
    // The outermost call and the innermost cause are what a user can act on.
    if (!lines.empty())
        text = lines.front();
    if (lines.size() > 1)
        text += " (cause: " + lines.back() + ")";
    return text;
}

void fail(const std::string& file, const std::string& what) {
    const std::string stack = takeErrorStack();
    throw IoError(file, stack.empty() ? what : what + ": " + stack);
}

} // namespace nzc::h5::detail
