// What the card's W8A8SC matmul kernel documents: n (rows) a multiple of 64 and at least 128.
// nzcompress compresses any shape; callers warn on the others.
#include <nzcompress/layout.h>

namespace nzc::layout {

namespace {
constexpr std::size_t kKernelRowMultiple = 64;
constexpr std::size_t kKernelMinRows = 128;
} // namespace

bool isKernelDocumentedShape(ByteShape shape) noexcept {
    return shape.rows % kKernelRowMultiple == 0 && shape.rows >= kKernelMinRows;
}

std::optional<std::string> describeKernelShapeIssue(ByteShape shape) {
    if (isKernelDocumentedShape(shape))
        return std::nullopt;
    return "n = " + std::to_string(shape.rows) +
           " rows is outside what the card's W8A8SC kernel documents (n a multiple of 64 and at "
           "least 128)";
}

} // namespace nzc::layout
