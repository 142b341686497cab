// Tensor tables for the plan tests.
#pragma once

#include <nzcompress/checkpoint.h>

#include <string>
#include <vector>

namespace nzc::plan::test {

inline checkpoint::TensorInfo tensor(std::string name, checkpoint::DType dtype,
                                     std::vector<std::uint64_t> shape) {
    checkpoint::TensorInfo t;
    t.name = std::move(name);
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.file = "model.safetensors";
    t.bytes = checkpoint::itemSize(dtype);
    for (const auto d : t.shape)
        t.bytes *= d;
    return t;
}

/// A small LLaMA-like layer: two int8 weights, a norm, a scale, an fp16 embedding.
inline std::vector<checkpoint::TensorInfo> smallModel() {
    using checkpoint::DType;
    return {
        tensor("model.layers.0.self_attn.q_proj.weight", DType::I8, {64, 32}),
        tensor("model.layers.0.self_attn.q_proj.weight_scale", DType::F32, {64, 1}),
        tensor("model.layers.0.input_layernorm.weight", DType::F16, {32}),
        tensor("model.layers.0.mlp.down_proj.weight", DType::I8, {32, 96}),
        tensor("model.embed_tokens.weight", DType::F16, {100, 32}),
    };
}

} // namespace nzc::plan::test
