"""Correct answers get full marks; wrong ones are named for their mistake, with the first
failing configuration, its errors and a line that reproduces it."""

import numpy as np
import pytest

import grading_solutions as solutions
from course_utils import grading


@pytest.mark.parametrize("name", list(grading.EXERCISES))
def test_correct_answers_get_full_marks(name):
    for hidden in (False, True):
        result = grading.grade(name, solutions.ALL[name], hidden=hidden)
        assert result.passed and result.score == 1.0, str(result)
        assert result.cases_passed == result.cases_total


def test_check_returns_the_result_and_raises_with_the_report():
    result = grading.check("linear_forward", solutions.linear_forward)
    assert result.passed and "PASSED" in str(result)
    with pytest.raises(AssertionError) as raised:
        grading.check("linear_forward", lambda x, weight, bias: x @ weight.T)
    assert "FAILED" in str(raised.value) and "bias is forgotten" in str(raised.value)
    assert grading.check("linear_forward", solutions.linear_forward, hidden=True).hidden


def test_report_text_and_html():
    result = grading.grade("linear_forward", lambda x, weight, bias: x @ weight.T)
    text, html = str(result), result._repr_html_()
    for label in ("First failing configuration", "Problem", "Error", "Likely mistake",
                  "Reproduce"):
        assert label in text and label in html
    assert "x (2, 3) float64" in text
    assert "<pre" in html and "&quot;linear_forward&quot;" in html       # escaped


# --- wrong answers and the mistakes they are named for -------------------------------------

def _pad(x, before, after):
    return np.pad(x, ((0, 0), (0, 0), (before, after), (before, after)))


def conv(flip=False, bias_on=True, pad=lambda p: (p, p), rounding=None, channels_last=False):
    """A conv2d with one chosen mistake."""
    def conv2d_naive(x, weight, bias, stride=1, padding=0):
        w = weight[..., ::-1, ::-1] if flip else weight
        xp = _pad(x, *pad(padding))
        kh, kw = w.shape[2:]
        if rounding:
            out_h = int(np.ceil((x.shape[2] + 2 * padding - kh) / stride)) + 1
            out_w = int(np.ceil((x.shape[3] + 2 * padding - kw) / stride)) + 1
            xp = _pad(xp, 0, stride)                     # room for the extra window
        else:
            out_h = (xp.shape[2] - kh) // stride + 1
            out_w = (xp.shape[3] - kw) // stride + 1
        out = np.zeros((x.shape[0], w.shape[0], out_h, out_w), dtype=x.dtype)
        for i in range(out_h):
            for j in range(out_w):
                window = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                out[:, :, i, j] = np.einsum("nchw,fchw->nf", window, w)
        if bias_on:
            out += bias.reshape(1, -1, 1, 1)
        return np.ascontiguousarray(out.transpose(0, 2, 3, 1)) if channels_last else out
    return conv2d_naive


def conv_backward_uncropped(grad_out, x, weight, stride=1, padding=0):
    padded = _pad(x, padding, padding)
    return solutions.conv2d_backward(grad_out, padded, weight, stride, 0)


def forward_difference(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        y = x.copy()
        y[index] += h
        grad[index] = (f(y) - f(x)) / h
    return grad


def max_pool_backward_all_ties(grad_out, x, kernel_size, stride):
    grad_x = np.zeros_like(x)
    for i in range(grad_out.shape[2]):
        for j in range(grad_out.shape[3]):
            rows = slice(i * stride, i * stride + kernel_size)
            cols = slice(j * stride, j * stride + kernel_size)
            window = x[:, :, rows, cols]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            grad_x[:, :, rows, cols] += mask * grad_out[:, :, i:i + 1, j:j + 1]
    return grad_x


def batch_norm(ddof=1, reverse=False, axes=(0, 2, 3)):
    def batch_norm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.1,
                           eps=1e-5):
        g, b = gamma.reshape(1, -1, 1, 1), beta.reshape(1, -1, 1, 1)
        if not training:
            return solutions.batch_norm_forward(x, gamma, beta, running_mean, running_var,
                                                training, momentum, eps)
        mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
        m = momentum if not reverse else 1 - momentum
        running_mean[:] = (1 - m) * running_mean + m * x.mean(axis=(0, 2, 3))
        running_var[:] = (1 - m) * running_var + m * x.var(axis=(0, 2, 3), ddof=ddof)
        return ((x - mean) / np.sqrt(var + eps) * g + b).astype(x.dtype)
    return batch_norm_forward


def layer_norm_batch_axes(x, gamma, beta, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    return ((x - mean) / np.sqrt(var + eps) * gamma + beta).astype(x.dtype)


def group_norm_interleaved(x, num_groups, gamma, beta, eps=1e-5):
    n, c, h, w = x.shape
    grouped = x.reshape(n, c // num_groups, num_groups, h, w)
    mean = grouped.mean(axis=(1, 3, 4), keepdims=True)
    var = grouped.var(axis=(1, 3, 4), keepdims=True)
    x_hat = ((grouped - mean) / np.sqrt(var + eps)).reshape(x.shape)
    return (x_hat * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)).astype(x.dtype)


def lenet_flops(input_shape):
    return [(name, shape, params, 2 * macs)
            for name, shape, params, macs in solutions.lenet_layer_table(input_shape)]


MISTAKES = [
    ("linear_forward", lambda x, weight, bias: x @ weight.T, "bias is forgotten"),
    ("linear_forward", lambda x, weight, bias: x @ weight + bias, "weight is used transposed"),
    ("linear_backward", lambda g, x, w: (g @ w, x.T @ g, g.sum(axis=0)),
     "grad_weight is transposed"),
    ("linear_backward", lambda g, x, w: (g @ w, g.T @ x, g), "not summed over the batch"),
    ("numerical_gradient", forward_difference, "forward difference"),
    ("conv2d_naive", conv(flip=True), "kernel is flipped"),
    ("conv2d_naive", conv(bias_on=False), "bias is forgotten"),
    ("conv2d_naive", conv(pad=lambda p: (p, 0)), "one side only"),
    ("conv2d_naive", conv(pad=lambda p: ((p + 1) // 2, p // 2)), "total over both sides"),
    ("conv2d_naive", conv(rounding="ceil"), "rounded up"),
    ("conv2d_vectorized", conv(channels_last=True), "channels-last"),
    ("conv2d_backward", conv_backward_uncropped, "still has the padding"),
    ("conv_output_size", lambda size, kernel_size, stride=1, padding=0, dilation=1:
        -(-(size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride) + 1, "rounded up"),
    ("conv_output_size", lambda size, kernel_size, stride=1, padding=0, dilation=1:
        (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride, "+ 1 is forgotten"),
    ("conv_parameter_count", lambda i, o, k, bias=True: i * o * k * k, "bias is forgotten"),
    ("conv_multiply_adds", lambda i, o, k, s: 2 * i * o * k * k * s * s, "FLOPs"),
    ("receptive_field_size", lambda layers: 1 + sum((k - 1) * d for k, s, p, d in layers),
     "strides are ignored"),
    ("max_pool2d_backward", max_pool_backward_all_ties, "every tied maximum"),
    ("avg_pool2d_backward", lambda g, x, k, s: solutions.avg_pool2d_backward(g, x, k, s) * k * k,
     "not divided by the window size"),
    ("batch_norm_forward", batch_norm(ddof=0), "biased variance"),
    ("batch_norm_forward", batch_norm(reverse=True), "momentum's meaning is reversed"),
    ("batch_norm_forward", batch_norm(axes=(1, 2, 3)), "like layer norm"),
    ("layer_norm_forward", layer_norm_batch_axes, "like batch norm"),
    ("group_norm_forward", group_norm_interleaved, "grouped with a stride"),
    ("fuse_conv_bn", lambda w, b, g, beta, m, v, eps=1e-5: solutions.fuse_conv_bn(
        w, b, g, beta, m, v, eps=0.0), "eps is forgotten"),
    ("lenet_layer_table", lenet_flops, "FLOPs instead of multiply-adds"),
]


@pytest.mark.parametrize("name, answer, mistake", MISTAKES,
                         ids=[f"{n}-{m}" for n, _, m in MISTAKES])
def test_a_wrong_answer_is_named_for_its_mistake(name, answer, mistake):
    result = grading.grade(name, answer)
    assert not result.passed and result.status == "failed", str(result)
    assert mistake in result.mistake, str(result)
    assert result.configuration.startswith("#") and result.reproduce


def test_the_reproduce_line_reproduces_the_failure():
    answer = conv(flip=True)
    result = grading.grade("conv2d_naive", answer)
    namespace = {"grading": grading, "conv2d_naive": answer}
    exec(result.reproduce.replace("; conv2d_naive(", "; out = conv2d_naive("), namespace)
    args, kwargs = namespace["args"], namespace["kwargs"]
    assert not np.allclose(namespace["out"], solutions.conv2d_naive(*args, **kwargs))
    assert result.max_abs_error > 0 and result.max_rel_error > 0


def test_vectorized_must_not_loop_over_pixels():
    result = grading.grade("conv2d_vectorized", solutions.conv2d_naive)
    assert not result.passed and "loops over output pixels" in result.problem
    assert grading.grade("conv2d_vectorized", solutions.conv2d_vectorized).passed
