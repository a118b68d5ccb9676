# The fused attention behind io.llmblender.runtime.kernel.Fp32Kernel#attention. Java writes this source into a
# TorchScript archive and libtorch compiles it when DJL loads the archive; no Python ever runs it. It holds no
# tensors: everything comes in and goes out as float32.
class Fp32Kernel(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool

  # softmax(q·kᵀ + bias)·v with q already scaled (scale=1.). With 4-D inputs libtorch runs its fused CPU kernel
  # (flash attention): the scores of a tile of queries are summed, exponentiated and multiplied by v while they
  # are in cache, instead of each step writing and reading a [B, N, Q, L] array. DJL has no such operator.
  def attention(self, q: Tensor, k: Tensor, v: Tensor, bias: Tensor) -> Tensor:
    return torch.scaled_dot_product_attention(q, k, v, bias, 0., False, scale=1.)
