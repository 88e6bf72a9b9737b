"""One check used by every nn test: our module and its torch twin, same state dict, give the
same output, input gradient, parameter gradients and (for batch norm) buffers."""

import numpy as np
import torch

from course_utils.gradcheck import assert_close

TORCH_DTYPE = {np.float32: torch.float32, np.float64: torch.float64}


def randomize(torch_module, seed=0):
    """Give every parameter of a torch module random values (so weight = 1, bias = 0 cannot
    hide a bug)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in torch_module.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator))
    return torch_module


def check_twin(ours, theirs, input, grad_output=None, name=""):
    """Run ours and theirs forward and backward on ``input``; assert equal outputs, gradients
    and state dicts. Returns our output."""
    label = name or type(ours).__name__
    input_tensor = torch.tensor(input, requires_grad=True)
    expected = theirs(input_tensor)
    output = ours(input)
    assert output.dtype == input.dtype, f"{label}: output dtype {output.dtype}"
    assert_close(output, expected.detach().numpy(), name=f"{label} output")
    if grad_output is None:
        grad_output = np.random.default_rng(1).normal(size=output.shape).astype(input.dtype)
    expected.backward(torch.tensor(grad_output))
    assert_close(ours.backward(grad_output), input_tensor.grad.numpy(), name=f"{label} grad_input")
    our_grads = dict(ours.named_gradients())
    for key, parameter in theirs.named_parameters():
        assert_close(our_grads[key], parameter.grad.numpy(), name=f"{label} grad of {key}")
    assert_state_dicts_equal(ours.state_dict(), theirs.state_dict(), label)
    theirs.zero_grad()
    return output


def assert_state_dicts_equal(ours, theirs, label=""):
    assert list(ours) == list(theirs), f"{label}: keys {list(ours)} vs torch {list(theirs)}"
    for key, value in theirs.items():
        assert_close(ours[key], value.numpy(), name=f"{label} state_dict[{key!r}]")
