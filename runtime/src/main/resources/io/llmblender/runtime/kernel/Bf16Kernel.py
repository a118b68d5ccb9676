# The bf16 matmul kernel behind io.llmblender.runtime.kernel.Bf16Kernel. Java writes this source into a
# TorchScript archive and libtorch compiles it when DJL loads the archive; no Python ever runs it.
#
# It is written in the dialect of serialized TorchScript (an archive's code/__torch__.py): attributes are
# declared in the class body, and dtypes are c10::ScalarType numbers, because `torch.bfloat16` does not
# resolve there: 15 = torch.bfloat16, 6 = torch.float32.
#
# Every tensor that crosses to Java is float32 (DJL 0.36 aborts the JVM on a bf16 array); the bf16 weights
# stay in here. They arrive once, while the model loads, through add / add_with_bias, which copy them: a
# checkpoint's arrays may be memory-mapped pages that go away with their file, and Java frees its fp32
# arrays right after.
class Bf16Kernel(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  weights : List[Tensor]
  biases : List[Optional[Tensor]]

  # Keeps a bf16 copy of a linear layer's weight [out, in]; returns the layer's index for linear().
  def add(self, weight: Tensor) -> int:
    self.weights.append(weight.to(15))
    self.biases.append(None)
    return len(self.weights) - 1

  # The same with a bias [out]. The bias is kept in bf16 too, so that oneDNN can fuse it into the matmul on
  # CPUs with bf16 units; it costs at most one more bf16 rounding of b.
  def add_with_bias(self, weight: Tensor, bias: Tensor) -> int:
    self.weights.append(weight.to(15))
    self.biases.append(bias.to(15))
    return len(self.weights) - 1

  # x W^T + b for layer i (an int64 scalar: DJL passes tensors only). x is rounded to bf16, the products
  # are accumulated in fp32, and the result is rounded to bf16 and widened back to float32.
  def linear(self, x: Tensor, i: Tensor) -> Tensor:
    k = int(i)
    return torch.linear(x.to(15), self.weights[k], self.biases[k]).float()

  # torch.matmul (batched and broadcast) of two float32 tensors, computed in bf16, returned as float32.
  def matmul(self, a: Tensor, b: Tensor) -> Tensor:
    return torch.matmul(a.to(15), b.to(15)).float()
